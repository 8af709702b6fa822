/**
 * A group of three from the command line, as the README shows it: `meshwork
 * key` for the ids, `meshwork worker --group --members --data-dir` for the
 * members, and `meshwork kv` for scripts (answers on stdout, exit codes for
 * absent keys and failed cas, JSON with --json, a lock held until a signal).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from '../helpers/cli.ts'
import { loopbackMembers, startMembers } from '../helpers/group-members.ts'
import type { GroupMembers } from '../helpers/group-members.ts'

const EXIT_NOT_MATCHED = 3
/** One `meshwork kv` call starts a peer, joins, calls and stops: seconds on a busy machine */
const CALL_TIMEOUT_MS = 90_000

describe('meshwork kv against a group of three worker processes', () => {
  let dir: string
  let group: GroupMembers
  let kvArgs: string[]

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-kv-'))
    group = await startMembers({ group: 'cfg', dir, members: await loopbackMembers(3) })
    kvArgs = ['kv', ...group.addrs.flatMap(a => ['--bootstrap', a]), '--group', 'cfg']
  }, 300_000)

  afterAll(async () => {
    await group?.stop()
    if (dir != null) rmSync(dir, { recursive: true, force: true })
  })

  const kv = async (...args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> => runCli([...kvArgs, ...args], CALL_TIMEOUT_MS)

  it('status names a leader among the members', async () => {
    // independent calls run side by side: each is a process of its own
    const [{ code, stdout, stderr }, plain] = await Promise.all([kv('status', '--json'), kv('status')])
    expect(code, stderr).toBe(0)
    const status = JSON.parse(stdout)
    expect([...status.members].sort()).toEqual([...group.ids].sort())
    expect(group.ids).toContain(status.leader)
    expect(plain.stdout).toMatch(/^leader \S+\nterm \d+\nmembers \S+\ncommit \d+\napplied \d+\n$/)
  }, 300_000)

  it('put, get, cas and del answer on stdout with exit codes for scripts', async () => {
    const put = await kv('put', 'round', '{"n":7}')
    expect(put.code, put.stderr).toBe(0)
    const r1 = Number(put.stdout)
    expect(r1).toBeGreaterThan(0)
    const [got, gotJson, absent, fresh] = await Promise.all([
      kv('get', 'round'), kv('get', 'round', '--json'), kv('get', 'nothing-here'), kv('cas', 'fresh', '0', 'text')
    ])
    expect(got).toMatchObject({ code: 0, stdout: '{"n":7}\n' })
    expect(JSON.parse(gotJson.stdout)).toMatchObject({ value: { n: 7 }, revision: r1, version: 1 })
    expect(absent).toMatchObject({ code: EXIT_NOT_MATCHED, stdout: '' })
    expect(fresh.code).toBe(0)

    const cas = await kv('cas', 'round', String(r1), '8')
    expect(cas.code).toBe(0)
    const r2 = Number(cas.stdout)
    expect(r2).toBeGreaterThan(r1)
    const [stale, after, freshValue] = await Promise.all([kv('cas', 'round', String(r1), '9'), kv('get', 'round'), kv('get', 'fresh')])
    // a stale revision: no write, the key's revision is printed
    expect(stale).toMatchObject({ code: EXIT_NOT_MATCHED, stdout: `${r2}\n` })
    expect(after).toMatchObject({ code: 0, stdout: '8\n' })
    expect(freshValue).toMatchObject({ stdout: '"text"\n' })

    expect((await kv('del', 'round')).code).toBe(0)
    const [again, gone] = await Promise.all([kv('del', 'round'), kv('get', 'round')])
    expect(again.code).toBe(EXIT_NOT_MATCHED)
    expect(gone.code).toBe(EXIT_NOT_MATCHED)
  }, 600_000)

  it('lock prints its token, holds until SIGTERM, and the next holder gets a higher token', async () => {
    const first = spawn(process.execPath, [BIN, ...kvArgs, 'lock', 'coordinator', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const firstExit = new Promise<number | null>(resolve => first.once('exit', resolve))
    const line = await new Promise<string>(resolve => { createInterface({ input: first.stdout }).once('line', resolve) })
    const held = JSON.parse(line)
    expect(held).toMatchObject({ name: 'coordinator' })
    let secondLine: string | undefined
    const second = spawn(process.execPath, [BIN, ...kvArgs, 'lock', 'coordinator', '--hold-ms', '100'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const secondExit = new Promise<number | null>(resolve => second.once('exit', resolve))
    createInterface({ input: second.stdout }).once('line', l => { secondLine = l })
    first.kill('SIGTERM')
    expect(await firstExit).toBe(0)
    expect(await secondExit).toBe(0)
    const token = Number(/^token (\d+)$/.exec(secondLine ?? '')?.[1])
    expect(token).toBeGreaterThan(held.token)
  }, 300_000)

  it('a member restarted from its data dir comes back as the same peer, and `meshwork key` prints that id', async () => {
    const m = group.members[0]
    const key = await runCli(['key', join(m.dataDir, 'peer.key')])
    expect(key.stdout.trim()).toBe(`peer ${m.peerId}`)
    m.signal('SIGKILL')
    await m.exited()
    // start() fails unless the process prints the same `peer <id>`
    await m.start()
    expect((await kv('put', 'after-restart', 'true')).code).toBe(0)
    expect(await kv('get', 'after-restart', '--json')).toMatchObject({ code: 0 })
  }, 300_000)

  it('a group nobody answers for is a typed error, exit 1', async () => {
    const dead = await loopbackMembers(1)
    const addr = `/ip4/127.0.0.1/tcp/${dead[0].port}/p2p/${group.ids[0]}`
    const { code, stderr } = await runCli(['kv', '--bootstrap', addr, '--group', 'cfg', '--timeout', '2000', 'get', 'k'])
    expect(code).toBe(1)
    expect(stderr).toMatch(/^meshwork: (NoLeaderError|TimeoutError): /)
  }, 300_000)
})
