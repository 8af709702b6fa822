import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGroup } from './consensus-group.ts'
import type { TestGroup } from './consensus-group.ts'

describe('a consensus group on the mesh', () => {
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('config', 3, 2) })
  afterAll(async () => { await g?.stop() })

  it('elects a leader and serves put, get, delete and cas to a client that is no member', async () => {
    await g.leader()
    const client = await g.mesh.nodes[3].consensus('config')
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
    const a = await g.mesh.nodes[3].consensus('config')
    const b = await g.mesh.nodes[4].consensus('config')
    for (let i = 0; i < 5; i++) {
      const { revision } = await a.put('shared', i)
      expect(await b.get('shared')).toMatchObject({ value: i, revision })
    }
  })
})
