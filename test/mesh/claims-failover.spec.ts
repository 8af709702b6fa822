import { afterEach, describe, expect, it } from 'vitest'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext, TaskEvent } from '../../src/types.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** A deterministic slow stream: 0, 1, 2, ... n-1, one every `delayMs`. */
function ticker (delayMs: number) {
  return async function * (input: { n: number }, ctx: HandlerContext): AsyncGenerator<number> {
    for (let i = 0; i < input.n; i++) {
      await sleep(delayMs)
      ctx.signal.throwIfAborted()
      yield i
    }
  }
}

describe('broadcast claims', () => {
  let mesh: TestMesh | undefined
  afterEach(async () => { await mesh?.stop() })

  it('mode broadcast: the task is announced, a worker offers and gets it', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('claimed', async () => a.peerId)
    b.serve('claimed', async () => b.peerId)
    await caller.waitForWorkers('claimed', 2)
    const answers = await Promise.all(Array.from({ length: 10 }, async () => caller.request('claimed', null, { mode: 'broadcast' })))
    expect(answers.every(id => id === a.peerId || id === b.peerId)).toBe(true)
  })

  it('a busy worker does not offer: the free one takes the claim', async () => {
    mesh = await createMeshOf(4)
    const [, busy, free, caller] = mesh.nodes
    let release!: () => void
    const held = new Promise<void>(resolve => { release = resolve })
    busy.serve('job', async (input: string) => { if (input === 'hold') await held; return busy.peerId }, { concurrency: 1 })
    free.serve('job', async (input: string) => { if (input === 'hold') await held; return free.peerId }, { concurrency: 1 })
    await caller.waitForWorkers('job', 2)
    // occupy `busy` with a long task pinned to it
    let started = false
    busy.addEventListener('work:start', () => { started = true })
    const holding = caller.request('job', 'hold', { preferPeer: busy.peerId })
    await eventually(() => started, 5_000, 'the busy worker runs the held task')
    for (let i = 0; i < 5; i++) {
      expect(await caller.request('job', 'quick', { mode: 'broadcast' })).toBe(free.peerId)
    }
    release()
    expect(await holding).toBe(busy.peerId)
  })

  it('a requester that knows no worker finds one by claim', async () => {
    mesh = await createMeshOf(3, { presenceIntervalMs: 60_000 })
    const [, worker, caller] = mesh.nodes
    // served after everyone joined and before any refresh: the caller's table has no entry yet
    worker.serve('fresh', async () => 'found')
    expect(await caller.request('fresh', null)).toBe('found')
  })
})

describe('failover', () => {
  let mesh: TestMesh | undefined
  afterEach(async () => { await mesh?.stop() })

  it('a stream whose worker leaves finishes on another, each chunk once and in order', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('tick', ticker(10))
    b.serve('tick', ticker(10))
    await caller.waitForWorkers('tick', 2)
    const moves: TaskEvent[] = []
    caller.addEventListener('task:failover', e => { moves.push(e.detail) })
    const stream = caller.stream<number>('tick', { n: 100 }, { preferPeer: a.peerId })
    const got: number[] = []
    for await (const n of stream) {
      got.push(n)
      if (n === 30) {
        void a.stop()
      }
    }
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i))
    expect(moves).toHaveLength(1)
    expect(moves[0].from).toBe(a.peerId)
    expect(moves[0].peerId).toBe(b.peerId)
  })

  it('a worker that stops serving mid-stream hands the task back at once', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('tick', ticker(10))
    b.serve('tick', ticker(10))
    await caller.waitForWorkers('tick', 2)
    const moves: TaskEvent[] = []
    caller.addEventListener('task:failover', e => { moves.push(e.detail) })
    const got: number[] = []
    for await (const n of caller.stream<number>('tick', { n: 60 }, { preferPeer: a.peerId })) {
      got.push(n)
      if (n === 20) {
        a.unserve('tick')
      }
    }
    expect(got).toEqual(Array.from({ length: 60 }, (_, i) => i))
    // moved because the worker said so, not because the stream stalled
    expect(moves.map(m => [m.from, m.reason])).toEqual([[a.peerId, 'NoWorkersError']])
  })

  it('a stalled stream moves after stallTimeoutMs', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('stall', async function * (input: { n: number }, ctx: HandlerContext) {
      for (let i = 0; i < input.n; i++) {
        if (i === 5) await new Promise(resolve => { ctx.signal.addEventListener('abort', resolve) })
        ctx.signal.throwIfAborted()
        yield i
      }
    })
    b.serve('stall', ticker(1))
    await caller.waitForWorkers('stall', 2)
    const got: number[] = []
    for await (const n of caller.stream<number>('stall', { n: 20 }, { preferPeer: a.peerId, stallTimeoutMs: 300 })) {
      got.push(n)
    }
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it('gives up after maxAttempts with the last error', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('never', async () => { throw Object.assign(new Error('busy'), { retryable: true }) })
    b.serve('never', async () => { throw Object.assign(new Error('busy'), { retryable: true }) })
    await caller.waitForWorkers('never', 2)
    const err = await caller.request('never', null, { maxAttempts: 2 }).catch(e => e)
    expect(err.name).toBe('RemoteError')
    expect(err.retryable).toBe(true)
  })
})
