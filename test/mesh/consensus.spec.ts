import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { libp2pOptions } from '../../node/libp2p-options.ts'
import { assembleMesh } from '../../src/platform.ts'
import { eventually } from '../helpers/mesh.ts'
import { createGroup, until } from './consensus-group.ts'
import type { WatchChange } from '../../src/consensus/types.ts'
import type { TestGroup } from './consensus-group.ts'

describe('a consensus group on the mesh', () => {
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('config', 3, 2) })
  afterAll(async () => { await g?.stop() })

  it('elects a leader and serves put, get, delete and cas to a client that is no member', async () => {
    await g.leader()
    const client = await g.clients[0].consensus('config')
    const { revision } = await client.put('round', 7)
    expect(revision).toBeGreaterThan(0)
    expect(await client.get('round')).toMatchObject({ value: 7, revision })
    const cas = await client.cas('round', revision, 8)
    expect(cas.ok).toBe(true)
    expect(cas.revision).toBe(revision + 1)
    expect(await client.cas('round', revision, 9)).toEqual({ ok: false, revision: revision + 1 })
    expect(await client.cas('fresh', 0, 'x')).toMatchObject({ ok: true })
    const del = await client.delete('round')
    expect(del.deleted).toBe(true)
    expect(await client.get('round')).toBeUndefined()
    expect(await client.delete('round')).toMatchObject({ deleted: false })
  })

  it('a client that cannot see the leader is served through a follower, which forwards', async () => {
    const { index } = await g.leader()
    const node = g.clients[1]
    const peers = node.peers.bind(node)
    // this client's peer table lacks the leader, as for a tab that reaches only some members
    node.peers = () => peers().filter(p => p.peerId !== g.ids[index])
    try {
      const client = await node.consensus('config')
      const { revision } = await client.put('forwarded', 1)
      expect(await client.get('forwarded')).toMatchObject({ value: 1, revision })
    } finally {
      node.peers = peers
    }
  })

  it('a get from another client after a put sees it (linearizable)', async () => {
    const a = await g.clients[0].consensus('config')
    const b = await g.clients[1].consensus('config')
    for (let i = 0; i < 5; i++) {
      const { revision } = await a.put('shared', i)
      expect(await b.get('shared')).toMatchObject({ value: i, revision })
    }
  })
})

describe('watches', () => {
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('watched', 3, 1) })
  afterAll(async () => { await g?.stop() })

  it('deliver every change under a prefix from a revision, in order, across a change of leader', async () => {
    const writer = g.groups[0]
    const first = await writer.put('jobs/a', 1)
    await writer.put('other', 'x')
    await writer.delete('jobs/a')
    const client = await g.clients[0].consensus('watched')
    const seen: WatchChange[] = []
    const off = client.watch('jobs/', change => { seen.push(change) }, { fromRevision: first.revision })
    await eventually(() => seen.length === 2, 10_000, 'the two earlier changes')
    expect(seen.map(c => [c.type, c.key, c.value])).toEqual([['put', 'jobs/a', 1], ['delete', 'jobs/a', undefined]])
    // the leader stops; writes go on through the next one
    const { index } = await g.leader()
    const writes: number[] = []
    for (let i = 0; i < 20; i++) {
      if (i === 5) {
        await g.members[index].stop()
        await g.leader()
      }
      writes.push((await client.put(`jobs/${i % 4}`, i)).revision)
    }
    await eventually(() => seen.length === 22, 15_000, 'every later change')
    off()
    const revisions = seen.map(c => c.revision)
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b))
    expect(new Set(revisions).size).toBe(revisions.length)
    expect(revisions.slice(2)).toEqual(writes)
  })

})

describe('a watch from a revision the group no longer keeps', () => {
  /** Entries a member keeps before it compacts its log, and changes its watch history keeps */
  const SNAPSHOT_ENTRIES = 10
  const HISTORY_CHANGES = 20
  const WRITES = 50
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('compacted', 3, 1, { snapshotEntries: SNAPSHOT_ENTRIES, historyChanges: HISTORY_CHANGES }) })
  afterAll(async () => { await g?.stop() })

  it('fails with CompactedError naming the oldest revision kept; from that one on, every change comes', async () => {
    const client = await g.clients[0].consensus('compacted')
    const revisions: number[] = []
    for (let i = 0; i < WRITES; i++) revisions.push((await client.put(`k/${i % 3}`, i)).revision)
    // every member applied every write, so each keeps the same history
    await until(async () => {
      const statuses = await Promise.all(g.groups.map(async m => m.status()))
      const committed = Math.max(...statuses.map(s => s.commitIndex))
      return statuses.every(s => s.appliedIndex >= committed) ? true : undefined
    }, 10_000, 'every member applied')
    const errors: Error[] = []
    const early: WatchChange[] = []
    client.watch('k/', change => { early.push(change) }, { fromRevision: revisions[0], onError: err => { errors.push(err) } })
    await eventually(() => errors.length > 0, 10_000, 'the watch\'s error')
    const err = errors[0] as Error & { oldestRevision?: number }
    expect(err.name).toBe('CompactedError')
    expect(early).toEqual([])
    // the history holds about the last HISTORY_CHANGES writes, though the log was compacted past them
    const oldest = err.oldestRevision as number
    expect(oldest).toBeGreaterThan(revisions[0])
    expect(oldest).toBeLessThanOrEqual(revisions[WRITES - HISTORY_CHANGES])
    const kept = revisions.filter(r => r >= oldest)
    const seen: WatchChange[] = []
    const off = client.watch('k/', change => { seen.push(change) }, { fromRevision: oldest, onError: e => { errors.push(e) } })
    await eventually(() => seen.length === kept.length, 10_000, 'the changes kept')
    off()
    expect(seen.map(c => c.revision)).toEqual(kept)
    expect(errors).toHaveLength(1)
  })

  it('a member watching its own one-member group gets every change, read from itself', async () => {
    const node = g.clients[0]
    const solo = await node.consensus('solo', { members: [node.peerId] })
    const first = await solo.put('s/a', 1)
    const seen: WatchChange[] = []
    const off = solo.watch('s/', change => { seen.push(change) }, { fromRevision: first.revision })
    const second = await solo.put('s/b', 2)
    await eventually(() => seen.length === 2, 10_000, 'both changes')
    off()
    expect(seen.map(c => [c.key, c.revision])).toEqual([['s/a', first.revision], ['s/b', second.revision]])
  })

  it('refuses a history or snapshot bound that is not a positive integer', async () => {
    const err = await g.clients[0].consensus('other', { members: [g.clients[0].peerId], historyChanges: 0 }).catch(e => e)
    expect(err.name).toBe('InvalidArgumentError')
  })
})

describe('a platform without raft storage (a browser tab)', () => {
  it('opens a group as a client, and refuses to be a member with InvalidArgumentError', async () => {
    const node = await assembleMesh({ libp2pOptions: async (key, penalties) => libp2pOptions({ transport: 'memory' }, key, penalties) }, {})
    try {
      await expect(node.consensus('config', { members: [node.peerId] })).rejects.toHaveProperty('name', 'InvalidArgumentError')
      const client = await node.consensus('config')
      expect(client.name).toBe('config')
      await expect(client.put('k', 1, { timeoutMs: 300 })).rejects.toHaveProperty('name', 'NoLeaderError')
    } finally {
      await node.stop()
    }
  })
})
