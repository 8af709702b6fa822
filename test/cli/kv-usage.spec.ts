/**
 * Mistakes in calling `meshwork kv` and `meshwork worker --group`: each is
 * a usage error (exit code 2) that names what is wrong, before anything
 * joins a mesh. The calls of a test are independent processes, run side by
 * side.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

/** Any well-formed multiaddr: usage is checked before it is dialled. */
const ADDR = '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5'
/** Several `meshwork` processes start side by side: seconds each on a busy machine */
const CALL_TIMEOUT_MS = 90_000
const TEST_TIMEOUT_MS = 120_000

describe('meshwork kv and worker --group, called wrongly', () => {
  let dir: string
  let peerId: string
  let otherId: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-kv-usage-'))
    const [key, other] = await Promise.all([runCli(['key', join(dir, 'a', 'peer.key')]), runCli(['key', join(dir, 'b.key')])])
    peerId = /^peer (\S+)$/m.exec(key.stdout)![1]
    otherId = /^peer (\S+)$/m.exec(other.stdout)![1]
  })

  afterAll(() => { rmSync(dir, { recursive: true, force: true }) })

  const usage = async (args: string[], message: RegExp): Promise<void> => {
    const { code, stdout, stderr } = await runCli(args, CALL_TIMEOUT_MS)
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr).toMatch(message)
  }

  it('meshwork key prints the same peer id each time for one file', async () => {
    const again = await runCli(['key', join(dir, 'a', 'peer.key')])
    expect(again.code).toBe(0)
    expect(again.stdout.trim()).toBe(`peer ${peerId}`)
    expect(otherId).not.toBe(peerId)
  })

  it('kv --help shows every command and the exit codes', async () => {
    const { code, stdout } = await runCli(['kv', '--help'])
    expect(code).toBe(0)
    for (const command of ['get KEY', 'put KEY VALUE', 'del KEY', 'cas KEY REVISION VALUE', 'lock NAME', 'status', 'exit codes']) {
      expect(stdout).toContain(command)
    }
  })

  it('kv refuses missing or unknown commands, wrong arity, no group, bad numbers', async () => {
    await Promise.all([
      usage(['kv', '--bootstrap', ADDR, '--group', 'g'], /kv needs a COMMAND/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', 'frob', 'k'], /unknown kv command "frob"/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', 'put', 'k'], /kv put takes 2 arguments/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', 'status', 'x'], /kv status takes 0 arguments/),
      usage(['kv', '--bootstrap', ADDR, 'get', 'k'], /kv needs --group NAME/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', 'cas', 'k', 'x', '1'], /--cas REVISION takes an integer >= 0, not "x"/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', '--timeout', '0', 'get', 'k'], /--timeout takes an integer >= 1/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', '--hold-ms=-5', 'lock', 'l'], /--hold-ms takes an integer >= 0/),
      usage(['kv', '--bootstrap', ADDR, '--group', 'g', '--frob', 'get', 'k'], /Unknown option '--frob'/)
    ])
  }, TEST_TIMEOUT_MS)

  it('worker --group refuses members that are not peer ids, repeats, and stray options', async () => {
    await Promise.all([
      usage(['worker', '--bootstrap', ADDR, '--members', peerId], /--members and --data-dir need --group/),
      usage(['worker', '--bootstrap', ADDR, '--data-dir', join(dir, 'a')], /--members and --data-dir need --group/),
      usage(['worker', '--bootstrap', ADDR, '--group', 'g'], /--group needs --members/),
      usage(['worker', '--bootstrap', ADDR, '--group', 'g', '--members', `${peerId},nonsense`], /--members: "nonsense" is not a peer id/),
      usage(['worker', '--bootstrap', ADDR, '--group', 'g', '--members', `${peerId},${peerId}`], /--members lists a peer twice/)
    ])
  }, TEST_TIMEOUT_MS)

  it('worker --group refuses to start when its identity is not among the members', async () => {
    // the identity in the data dir is peerId; the members list only another
    await usage(['worker', '--bootstrap', ADDR, '--port', '0', '--group', 'g', '--members', otherId, '--data-dir', join(dir, 'a')],
      new RegExp(`this peer \\(${peerId}\\) is not in --members`))
  })
})
