import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshOf } from './helpers/mesh.ts'
import type { TestMesh } from './helpers/mesh.ts'

describe('a small mesh', () => {
  let mesh: TestMesh

  beforeAll(async () => {
    mesh = await createMeshOf(3)
    mesh.nodes[1].serve('echo', async (x: unknown) => x)
    await mesh.nodes[2].waitForWorkers('echo', 1, { timeoutMs: 10_000 })
  })

  afterAll(async () => { await mesh.stop() })

  it('answers a request', async () => {
    expect(await mesh.nodes[2].request('echo', { hi: 1 })).toEqual({ hi: 1 })
  })
})
