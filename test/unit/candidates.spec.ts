import { describe, expect, it } from 'vitest'
import { Call } from '../../src/dispatch/call.ts'
import { chooseWorker, candidates } from '../../src/dispatch/candidates.ts'
import { roundRobin } from '../../src/dispatch/balancers.ts'
import { PeerTable } from '../../src/presence/peer-table.ts'
import { encodePayload } from '../../src/wire/payload.ts'
import type { CallInit } from '../../src/dispatch/call.ts'

/** A unary call of `svc` with one attempt, as a fan-out member is. */
function newCall (init: Partial<CallInit> = {}): Call {
  const defaults = { id: 'c', service: 'svc', input: encodePayload(null), streaming: false, deadline: Date.now() + 10_000, maxAttempts: 1 }
  return new Call({ ...defaults, balancer: roundRobin(), broadcast: false, window: 4, stallTimeoutMs: 1_000, maxResumeBytes: 1024, ...init })
}

function tableOf (workers: string[]): PeerTable {
  const table = new PeerTable({ selfId: 'me', onState: () => {} })
  for (const w of workers) table.learnWorker(w, 'svc', 4, 0)
  table.learnWorker('other', 'elsewhere', 4, 0)
  return table
}

describe('candidates of a pinned call (fan-out member)', () => {
  it('is its worker alone, with that worker\'s figures', () => {
    const table = tableOf(['w1', 'w2', 'w3'])
    expect(candidates(table, newCall({ pinned: 'w2' }))).toEqual([{ peerId: 'w2', outstanding: 0, load: 0, capacity: 4, latencyMs: table.get('w2')!.latencyMs }])
    expect(chooseWorker(table, newCall({ pinned: 'w3' }))).toBe('w3')
  })

  it('is nobody when the worker is not alive, serves another service, or was tried', () => {
    const table = tableOf(['w1', 'w2'])
    table.suspect('w1')
    expect(candidates(table, newCall({ pinned: 'w1' }))).toEqual([])
    expect(candidates(table, newCall({ pinned: 'other' }))).toEqual([])
    expect(candidates(table, newCall({ pinned: 'unknown' }))).toEqual([])
    expect(candidates(table, newCall({ pinned: 'w2', avoid: 'w2' }))).toEqual([])
    const err = chooseWorker(table, newCall({ pinned: 'w1' }))
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).name).toBe('NoWorkersError')
  })

  it('an unpinned call still has every live worker of its service', () => {
    const table = tableOf(['w1', 'w2', 'w3'])
    table.suspect('w2')
    expect(candidates(table, newCall()).map(c => c.peerId).sort()).toEqual(['w1', 'w3'])
  })
})
