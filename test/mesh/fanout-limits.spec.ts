/**
 * A fan-out that cannot start on every worker (the node's limit of calls in
 * flight is reached part way) rejects, and the members it had started stop
 * and free their slots rather than run on unheard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext, MeshNode } from '../../src/types.ts'

/** How long a hanging task would take, if nobody cancelled it */
const HANG_MS = 20_000

describe('fan-out past the limit of calls in flight', () => {
  let mesh: TestMesh
  let caller: MeshNode

  beforeAll(async () => {
    mesh = await createMeshOf(4)
    caller = await mesh.add({ maxCalls: 2 })
    for (const worker of mesh.nodes.slice(1, 4)) {
      worker.serve('hang', async (_input: unknown, ctx: HandlerContext) => {
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, HANG_MS)
          ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
        })
      })
      worker.serve('echo', async (input: unknown) => input)
    }
    await caller.waitForWorkers('hang', 3)
    await caller.waitForWorkers('echo', 3)
  }, 60_000)

  afterAll(async () => { await mesh?.stop() })

  it('rejects with RateLimitedError and leaves no member holding a slot', async () => {
    await expect(caller.broadcast('hang', null, { timeoutMs: 2 * HANG_MS })).rejects.toHaveProperty('name', 'RateLimitedError')
    // both slots are free at once: without the cancel, the two started members would hold them for HANG_MS
    const answers = await Promise.all([caller.request('echo', 'a', { timeoutMs: 5_000 }), caller.request('echo', 'b', { timeoutMs: 5_000 })])
    expect(answers).toEqual(['a', 'b'])
  })
})
