/**
 * LAN discovery over mDNS, in network namespaces (mDNS never reaches a real
 * interface): three namespaces on one lab bridge, no bootstrap address
 * anywhere.
 *
 * - a worker in one namespace (`discovery: { mdns: true }` on the Node API)
 *   answers `meshwork request --mdns` run in another;
 * - `meshwork peers --mdns` lists the peers of the other namespaces;
 * - a third peer (`meshwork worker --mdns`) that joins later is seen by both
 *   peers already there.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN, runCli } from '../helpers/cli.ts'
import { createLab, labUnavailable } from './lab.ts'
import type { ChildProcess } from 'node:child_process'
import type { Lab } from './lab.ts'

const unavailable = labUnavailable()
if (unavailable != null) {
  console.warn(`skipping network namespace tests: ${unavailable}`)
}

const PEER = fileURLToPath(new URL('./mdns-peer.ts', import.meta.url))
/** A loose bound: mDNS answers, a dial and a table sync take well under a second here */
const SEEN_WITHIN_MS = 20_000

interface Running {
  child: ChildProcess
  lines: string[]
  peerId: string
  /** Resolves with the first line `match` accepts */
  waitFor(match: RegExp, timeoutMs: number): Promise<string>
}

const running: Running[] = []

/** Starts `node <args>` in a namespace and resolves once it printed `peer <id>`. */
async function start (netns: string, args: string[]): Promise<Running> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  createInterface({ input: child.stdout! }).on('line', line => {
    lines.push(line)
    for (const w of waiters) w()
  })
  const waitFor = async (match: RegExp, timeoutMs: number): Promise<string> => new Promise((resolve, reject) => {
    const check = (): void => {
      const line = lines.find(l => match.test(l))
      if (line != null) {
        done()
        resolve(line)
      }
    }
    const timer = setTimeout(() => { done(); reject(new Error(`no line like ${match} in ${timeoutMs} ms: ${lines.join('\n')}\n${stderr}`)) }, timeoutMs)
    const done = (): void => { clearTimeout(timer); waiters.delete(check) }
    waiters.add(check)
    check()
  })
  const p: Running = { child, lines, peerId: '', waitFor }
  running.push(p)
  p.peerId = (await waitFor(/^peer \S+$/, 30_000)).slice('peer '.length)
  return p
}

describe.skipIf(unavailable != null)('mDNS discovery in network namespaces', () => {
  let lab: Lab
  let a: Running
  let b: Running

  beforeAll(async () => {
    lab = createLab(['a', 'b', 'c'])
    ;[a, b] = await Promise.all([
      start(lab.peer('a').netns, [PEER, 'echo']),
      start(lab.peer('b').netns, [PEER, 'b.echo'])
    ])
  }, 60_000)

  afterAll(async () => {
    await Promise.all(running.map(async p => {
      if (p.child.exitCode == null && p.child.signalCode == null) {
        p.child.kill('SIGTERM')
        await new Promise(resolve => p.child.once('exit', resolve))
      }
    }))
    lab?.destroy()
  })

  it('a request with --mdns and no bootstrap is answered by a worker in another namespace', async () => {
    const out = await runCli(['request', '--mdns', 'echo', '{"hi":1}', '--timeout', '20000'], 30_000, lab.peer('b').netns)
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    expect(JSON.parse(out.stdout)).toEqual({ hi: 1 })
  })

  it('peers --mdns lists the peers of the other namespaces', async () => {
    const out = await runCli(['peers', '--mdns', '--json'], 30_000, lab.peer('c').netns)
    expect(out.code).toBe(0)
    const ids = out.stdout.trim().split('\n').map(l => JSON.parse(l).peerId)
    expect(ids).toEqual(expect.arrayContaining([a.peerId, b.peerId]))
  })

  it('a third peer joining is seen by both peers already there', async () => {
    const c = await start(lab.peer('c').netns, [BIN, 'worker', '--mdns', '--service', 'c.echo', '--handler', 'echo'])
    const seen = new RegExp(`^sees ${c.peerId}$`)
    await Promise.all([a.waitFor(seen, SEEN_WITHIN_MS), b.waitFor(seen, SEEN_WITHIN_MS)])
    expect(a.lines).toContain(`sees ${b.peerId}`)
    expect(b.lines).toContain(`sees ${a.peerId}`)
  })
})
