/**
 * Locks of a consensus group, with real processes: 3 `meshwork worker
 * --group` members on loopback and lock holders in processes of their own,
 * each reporting to a fenced resource (an HTTP server here) that records
 * holders and tokens and refuses a token lower than one it has seen.
 *
 * - contenders' holds never overlap, and tokens strictly rise;
 * - a holder SIGKILLed while holding frees the lock after its ttl;
 * - a holder SIGSTOPped past its ttl loses the lock to another, and the
 *   resource refuses it when it resumes: its token is older;
 * - a waiter whose member (the leader) is SIGKILLed while it waits goes on
 *   waiting through the next leader and gets the lock once it is free (its
 *   holder SIGKILLed too, after its ttl).
 */
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { killAll, spawnPeer, waitForEvent } from '../chaos/proc.ts'
import { BIN } from '../helpers/cli.ts'
import { loopbackMembers, startMembers } from '../helpers/group-members.ts'
import type { Server } from 'node:http'
import type { PeerProcess } from '../chaos/proc.ts'
import type { GroupMembers } from '../helpers/group-members.ts'

const HOLDER = fileURLToPath(new URL('./lock-holder.ts', import.meta.url))
const TTL_MS = 2_000
/** Loose bound on how long after the ttl a dead holder's lock is granted again */
const FREE_SLACK_MS = 5_000
const WAIT_MS = 30_000
/** A holder process is up once it joined: seconds, more on a busy machine */
const START_TIMEOUT_MS = 90_000

/** Time for the waiter's lock call to be refused and its wait to begin */
const WAIT_BEGINS_MS = 1_500
/** `meshwork kv status` starts a peer and joins first: seconds on a busy machine */
const STATUS_TIMEOUT_MS = 30_000

const run = promisify(execFile)

interface Hold { holder: string, token: number, beginAt: number, endAt?: number }

/** The fenced resource: remembers the highest token and refuses any lower one. */
function fencedResource (): { server: Server, url: Promise<string>, holds: Hold[], refused: Array<{ holder: string, token: number, path: string }>, overlaps: Array<{ holder: string, open: string }> } {
  let highest = 0
  const holds: Hold[] = []
  const refused: Array<{ holder: string, token: number, path: string }> = []
  const overlaps: Array<{ holder: string, open: string }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => {
      const { holder, token } = JSON.parse(body) as { holder: string, token: number }
      const path = req.url!.slice(1)
      const fresh = path === 'begin' ? token > highest : token === highest
      if (!fresh) {
        refused.push({ holder, token, path })
        res.writeHead(409).end()
        return
      }
      if (path === 'begin') {
        for (const open of holds.filter(h => h.endAt == null)) overlaps.push({ holder, open: open.holder })
        highest = token
        holds.push({ holder, token, beginAt: Date.now() })
      } else {
        const hold = holds.find(h => h.token === token)
        if (hold != null) hold.endAt = Date.now()
      }
      res.writeHead(200).end()
    })
  })
  const url = new Promise<string>(resolve => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      resolve(`http://127.0.0.1:${typeof a === 'object' && a != null ? a.port : 0}`)
    })
  })
  return { server, url, holds, refused, overlaps }
}

describe('consensus locks across processes', () => {
  let dir: string
  let group: GroupMembers
  /** One fenced resource per lock */
  const resources = new Map<string, ReturnType<typeof fencedResource>>()
  const holders: PeerProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-locks-'))
    for (const lock of ['one', 'two', 'three', 'four']) resources.set(lock, fencedResource())
    group = await startMembers({ group: 'locks', dir, members: await loopbackMembers(3) })
  }, 90_000)

  afterAll(async () => {
    await killAll(holders)
    await group?.stop()
    for (const r of resources.values()) r.server.close()
    if (dir != null) rmSync(dir, { recursive: true, force: true })
  })

  const holder = async (name: string, lock: string, rounds: number, holdMs: number, bootstrap = group.addrs): Promise<PeerProcess> => {
    const url = await resources.get(lock)!.url
    const p = await spawnPeer(HOLDER, { bootstrap, group: 'locks', lock, name, rounds, holdMs, ttlMs: TTL_MS, waitMs: WAIT_MS, resource: url }, { timeoutMs: START_TIMEOUT_MS })
    holders.push(p)
    return p
  }

  /** Index of the member the live members name as leader. */
  const leaderIndex = async (): Promise<number> => {
    const live = group.members.filter(m => m.alive).flatMap(m => ['--bootstrap', m.addr])
    const { stdout } = await run(process.execPath, [BIN, 'kv', ...live, '--group', 'locks', 'status', '--json', '--timeout', String(STATUS_TIMEOUT_MS)], { timeout: STATUS_TIMEOUT_MS * 2 })
    return group.ids.indexOf(JSON.parse(stdout).leader)
  }

  /** Resolves once the resource of `lock` recorded a hold by `name`. */
  const began = async (lock: string, name: string): Promise<void> => {
    while (!resources.get(lock)!.holds.some(h => h.holder === name)) await new Promise(resolve => setTimeout(resolve, 20))
  }

  it('contenders hold one at a time, with rising tokens', async () => {
    const resource = resources.get('one')!
    const contenders = await Promise.all(['a', 'b', 'c'].map(async name => holder(name, 'one', 4, 150)))
    await Promise.all(contenders.map(async p => { await p.exited }))
    const holds = resource.holds.filter(h => ['a', 'b', 'c'].includes(h.holder))
    const errors = contenders.flatMap(p => p.events.filter(e => e.ev === 'error'))
    expect(errors).toEqual([])
    expect(holds.length).toBe(12)
    expect(new Set(holds.map(h => h.holder))).toEqual(new Set(['a', 'b', 'c']))
    expect(resource.overlaps).toEqual([])
    expect(resource.refused).toEqual([])
    holds.forEach((h, i) => { if (i > 0) expect(h.token).toBeGreaterThan(holds[i - 1].token) })
    holds.forEach((h, i) => { if (i > 0) expect(h.beginAt).toBeGreaterThanOrEqual(holds[i - 1].endAt!) })
  }, 300_000)

  it('a holder SIGKILLed while holding frees the lock after its ttl', async () => {
    const resource = resources.get('two')!
    const victim = await holder('victim', 'two', 1, 600_000)
    const granted = await waitForEvent(victim, e => e.ev === 'granted', WAIT_MS, 'the victim\'s grant')
    await began('two', 'victim')
    const next = await holder('next', 'two', 1, 100)
    victim.signal('SIGKILL')
    const killedAt = performance.timeOrigin + performance.now()
    const grant = await waitForEvent(next, e => e.ev === 'granted', TTL_MS + FREE_SLACK_MS + WAIT_MS, 'the next grant')
    console.log(`lock free again ${Math.round(grant.at - killedAt)} ms after the holder was SIGKILLed (ttl ${TTL_MS} ms)`)
    expect(grant.token).toBeGreaterThan(granted.token)
    // not at once (the holder's session outlives it by the ttl), and not much later
    expect(grant.at - killedAt).toBeGreaterThanOrEqual(TTL_MS / 2)
    expect(grant.at - killedAt).toBeLessThanOrEqual(TTL_MS + FREE_SLACK_MS)
    // the dead holder never ended its hold: the next began over it, with a higher token
    await waitForEvent(next, e => e.ev === 'fenced', WAIT_MS, 'the next holder\'s use of the resource')
    expect(resource.overlaps).toEqual([{ holder: 'next', open: 'victim' }])
    await next.exited
  }, 300_000)

  it('a holder paused past its ttl loses the lock, and its stale token is refused when it resumes', async () => {
    const resource = resources.get('three')!
    const paused = await holder('paused', 'three', 1, TTL_MS * 3)
    const granted = await waitForEvent(paused, e => e.ev === 'granted', WAIT_MS, 'the paused holder\'s grant')
    await began('three', 'paused')
    paused.signal('SIGSTOP')
    const other = await holder('other', 'three', 1, 100)
    const otherGrant = await waitForEvent(other, e => e.ev === 'fenced', TTL_MS + FREE_SLACK_MS + WAIT_MS, 'the other holder\'s use of the resource')
    paused.signal('SIGCONT')
    const fenced = await waitForEvent(paused, e => e.ev === 'fenced', WAIT_MS, 'the paused holder\'s end')
    expect(otherGrant.began).toBe(true)
    expect(fenced).toMatchObject({ began: true, ended: false })
    expect(resource.refused).toContainEqual({ holder: 'paused', token: granted.token, path: 'end' })
    // the paused holder's hold was still open when the other began: fencing cut it off
    expect(resource.overlaps).toEqual([{ holder: 'other', open: 'paused' }])
    await Promise.all([paused.exited, other.exited])
  }, 300_000)

  it('a waiter whose member is SIGKILLed while it waits gets the lock through the next leader', async () => {
    // a client asks the leader it knows: the member serving the wait
    const victim = group.members[await leaderIndex()]
    const keeper = await holder('keeper', 'four', 1, 600_000)
    const kept = await waitForEvent(keeper, e => e.ev === 'granted', WAIT_MS, 'the keeper\'s grant')
    // it knows the group only through that member
    const waiter = await holder('waiter', 'four', 1, 100, [victim.addr])
    await waitForEvent(waiter, e => e.ev === 'asking', WAIT_MS, 'the waiter\'s lock call')
    await new Promise(resolve => setTimeout(resolve, WAIT_BEGINS_MS))
    expect(waiter.events.filter(e => e.ev !== 'asking')).toEqual([])
    victim.signal('SIGKILL')
    await new Promise(resolve => setTimeout(resolve, WAIT_BEGINS_MS))
    // the keeper dies too: its lock is free after its ttl, and the waiter, waiting on, gets it
    keeper.signal('SIGKILL')
    const outcome = await waitForEvent(waiter, e => e.ev === 'granted' || e.ev === 'error', WAIT_MS + TTL_MS, 'the waiter\'s grant')
    expect(outcome).toMatchObject({ ev: 'granted' })
    expect(outcome.token).toBeGreaterThan(kept.token)
    await waiter.exited
    await victim.exited()
    await victim.start()
  }, 300_000)
})
