/** Locks of a group: one holder at a time, fencing tokens that rise, and a lock freed after its dead holder's ttl. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGroup } from './consensus-group.ts'
import type { TestGroup } from './consensus-group.ts'

describe('group locks', () => {
  let g: TestGroup

  beforeAll(async () => {
    g = await createGroup('locks', 3, 3)
    await g.leader()
  })
  afterAll(async () => { await g?.stop() })

  it('a second locker waits until the holder releases, and gets a higher token', async () => {
    const [a, b] = await Promise.all(g.clients.slice(0, 2).map(async n => n.consensus('locks')))
    const first = await a.lock('coordinator', { ttlMs: 2_000 })
    let second: { token: number } | undefined
    const waiting = b.lock('coordinator', { ttlMs: 2_000 }).then(l => { second = l; return l })
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(second).toBeUndefined()
    await first.release()
    const got = await waiting
    expect(got.token).toBeGreaterThan(first.token)
    await got.release()
  })

  it('a lock whose holder stopped is free again after its ttl, with a higher token; never before', async () => {
    // long enough that a loaded machine's pauses do not lapse a live holder's session
    const ttlMs = 2_000
    const holder = await g.clients[1].consensus('locks')
    const other = await g.clients[2].consensus('locks')
    const held = await holder.lock('job-7', { ttlMs })
    // the holder's keepalives keep it past its ttl while it lives
    await new Promise(resolve => setTimeout(resolve, ttlMs * 1.2))
    let taken = false
    const waiting = other.lock('job-7', { ttlMs }).then(l => { taken = true; return l })
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(taken).toBe(false)
    const stoppedAt = performance.now()
    await g.clients[1].stop()
    const next = await waiting
    // the holder's last keepalive went out at most a third of the ttl before it stopped
    expect(performance.now() - stoppedAt).toBeGreaterThan(ttlMs * 2 / 3 - 50)
    expect(next.token).toBeGreaterThan(held.token)
  })

  it('a wait for a held lock ends at its timeoutMs with TimeoutError, though the leader it asked stops meanwhile', async () => {
    const timeoutMs = 3_000
    // the previous case stopped the second client
    const holder = await g.clients[0].consensus('locks')
    const waiter = await g.clients[2].consensus('locks')
    const held = await holder.lock('held-on', { ttlMs: 60_000 })
    const started = performance.now()
    const waiting = waiter.lock('held-on', { ttlMs: 2_000, timeoutMs }).then(() => undefined, (err: Error) => err)
    await new Promise(resolve => setTimeout(resolve, 500))
    const { index } = await g.leader()
    await g.members[index].stop()
    const err = await waiting
    expect(err?.name).toBe('TimeoutError')
    // loose: the deadline holds, whatever the wait was doing when it passed
    expect(performance.now() - started).toBeLessThan(timeoutMs + 5_000)
    await held.release().catch(() => {})
  })
})

