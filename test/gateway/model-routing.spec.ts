import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'

describe('routing by model', () => {
  let mesh: TestMesh
  const ran: string[] = []

  beforeAll(async () => {
    mesh = await createMeshOf(4)
    const [, small, large, asker] = mesh.nodes
    small.serve('chat', async () => { ran.push('small'); return 'small' }, { models: ['small'] })
    large.serve('chat', async () => { ran.push('large'); return 'large' }, { models: ['large'] })
    await asker.waitForWorkers('chat', 2, { timeoutMs: 10_000 })
  })

  afterAll(async () => { await mesh.stop() })

  it('sends a call only to workers announcing its model', async () => {
    const asker = mesh.nodes[3]
    for (let i = 0; i < 6; i++) {
      expect(await asker.request('chat', {}, { model: 'large' })).toBe('large')
    }
    expect(ran).not.toContain('small')
  })

  it('fails with NoWorkersError for a model nobody serves, without running it anywhere', async () => {
    const asker = mesh.nodes[3]
    ran.length = 0
    const err = await asker.request('chat', {}, { model: 'missing', timeoutMs: 20_000 }).catch(e => e)
    expect(err.name).toBe('NoWorkersError')
    expect(ran).toEqual([])
  })
})
