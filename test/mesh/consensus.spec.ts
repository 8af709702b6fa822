import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/mesh.ts'
import { createGroup } from './consensus-group.ts'
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
