/**
 * Fan-out guarantees: a fan-out that cannot start on every worker (the
 * node's limit of calls in flight is reached part way) rejects, and the
 * members it had started stop and free their slots rather than run on
 * unheard; a member whose worker leaves mid-task ends with an error at
 * once, and the gather resolves with the others' answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext, MeshNode } from '../../src/types.ts'

/** How long a hanging task would take, if nobody cancelled it */
const HANG_MS = 20_000

/** Waits HANG_MS, or until the task is cancelled. */
async function hang (ctx: HandlerContext): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = setTimeout(resolve, HANG_MS)
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}

describe('fan-out past the limit of calls in flight', () => {
  let mesh: TestMesh
  let caller: MeshNode

  beforeAll(async () => {
    mesh = await createMeshOf(4)
    caller = await mesh.add({ maxCalls: 2 })
    for (const worker of mesh.nodes.slice(1, 4)) {
      worker.serve('hang', async (_input: unknown, ctx: HandlerContext) => {
        await hang(ctx)
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

describe('fan-out whose member\'s worker leaves', () => {
  let mesh: TestMesh

  afterAll(async () => { await mesh?.stop() })

  it('ends that member with NoWorkersError and resolves with the others, long before the deadline', async () => {
    mesh = await createMeshOf(4)
    const [, w1, w2, leaving] = mesh.nodes
    const caller = await mesh.add()
    let started!: () => void
    const leavingStarted = new Promise<void>(resolve => { started = resolve })
    for (const worker of [w1, w2]) {
      worker.serve('job', async () => worker.peerId)
    }
    leaving.serve('job', async (_input: unknown, ctx: HandlerContext) => {
      started()
      await hang(ctx)
      return leaving.peerId
    })
    await caller.waitForWorkers('job', 3)

    const startedAt = Date.now()
    const gathering = caller.broadcast('job', null, { timeoutMs: 2 * HANG_MS })
    await leavingStarted
    await leaving.stop()
    const replies = await gathering
    expect(Date.now() - startedAt).toBeLessThan(HANG_MS / 2)
    const ok = replies.filter(r => r.ok).map(r => r.peerId).sort()
    expect(ok).toEqual([w1.peerId, w2.peerId].sort())
    const failed = replies.filter(r => !r.ok)
    expect(failed.map(r => r.peerId)).toEqual([leaving.peerId])
    expect(failed[0].ok === false && failed[0].error.name).toBe('NoWorkersError')
  })
})
