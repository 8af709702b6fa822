import { describe, expect, it } from 'vitest'
import { PeerTable } from '../../src/presence/peer-table.ts'
import type { Announcement } from '../../src/wire/generated/presence.js'

const announcement = (seq: number, load: number): Announcement => ({
  peer: new Uint8Array(0),
  seq: BigInt(seq),
  services: [{ name: 'svc', concurrency: 1, load, models: [] }],
  addrs: [],
  refreshMs: 5_000,
  gone: [],
  leaving: false,
  role: 'node'
})

describe('PeerTable', () => {
  it('keeps a load reported on a task frame over an announcement made before it', () => {
    const table = new PeerTable({ selfId: 'me', onState: () => {} })
    const now = Date.now()
    table.announce('worker', announcement(now - 1_000, 1), new Uint8Array(0))
    expect(table.get('worker')?.load).toBe(1)
    // the worker finished its task: its result frame says so
    table.report('worker', 0, 1)
    // an announcement sent while the task still ran arrives late, by gossip
    table.announce('worker', announcement(now - 500, 1), new Uint8Array(0))
    expect(table.get('worker')?.load).toBe(0)
    // one made after the report is newer news
    table.announce('worker', announcement(Date.now() + 1, 1), new Uint8Array(0))
    expect(table.get('worker')?.load).toBe(1)
  })
})
