/**
 * `map` and hedged requests over in-process nodes (memory transport): bad
 * input refused before anything is sent, an application error failing the
 * job with its index, results delivered once to both readers, the progress
 * counters, stragglers backed up on another worker and the losing attempt
 * cancelled, and hedged requests answered by the fast worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RetryableError } from '../../src/errors.ts'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext, MeshNode } from '../../src/types.ts'
import type { MapResult } from '../../src/compute/map-types.ts'

const FAST_MS = 100
/** Ten times the others */
const SLOW_MS = 10 * FAST_MS
/** One failure per input, whichever worker ran it */
const flakySeen = new Set<number>()

interface Counters { runs: number, aborted: number }

/** `square`: x², after `delayMs`; aborts when cancelled. `fails` throws on 7, `flaky` once per input. */
function serveAll (node: MeshNode, delayMs: number, counters: Counters): void {
  const wait = async (ms: number, ctx: HandlerContext): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); counters.aborted++; reject(new Error('aborted')) }, { once: true })
  })
  node.serve('square', async (x: number, ctx) => {
    counters.runs++
    await wait(delayMs, ctx)
    return { value: x * x, by: node.peerId }
  }, { concurrency: 64 })
  node.serve('fails', async (x: number) => {
    counters.runs++
    if (x === 7) {
      throw new Error('seven is not welcome')
    }
    return x
  })
  node.serve('flaky', async (x: number) => {
    if (!flakySeen.has(x)) {
      flakySeen.add(x)
      throw new RetryableError('not this time')
    }
    return x
  })
}

describe('map', () => {
  let mesh: TestMesh
  let requester: MeshNode
  let fast: MeshNode[]
  let slow: MeshNode
  const counters = new Map<string, Counters>()

  beforeAll(async () => {
    mesh = await createMeshOf(4)
    requester = mesh.nodes[0]
    fast = mesh.nodes.slice(1, 3)
    slow = mesh.nodes[3]
    for (const node of mesh.nodes.slice(1)) {
      const c = { runs: 0, aborted: 0 }
      counters.set(node.peerId, c)
      serveAll(node, node === slow ? SLOW_MS : FAST_MS, c)
    }
    await requester.waitForWorkers('square', 3)
    await requester.waitForWorkers('flaky', 3)
  })

  afterAll(async () => {
    await mesh?.stop()
  })

  const totalRuns = (): number => [...counters.values()].reduce((n, c) => n + c.runs, 0)

  it('refuses bad input with a typed error before anything is sent', () => {
    const before = totalRuns()
    let dispatched = 0
    requester.addEventListener('task:dispatch', () => { dispatched++ })
    const circular: any = {}
    circular.self = circular
    expect(() => requester.map('square', 3 as any)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => requester.map('square', [1, 2, circular])).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', message: expect.stringContaining('input 2') }))
    expect(() => requester.map('square', [1, 2n])).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => requester.map('square', [1], { concurrency: 0 })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => requester.map('square', [1], { timeoutMs: -1 })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(dispatched).toBe(0)
    expect(totalRuns()).toBe(before)
  })

  it('fails the job with the index and the RemoteError of a failed task', async () => {
    const job = requester.map<number>('fails', Array.from({ length: 20 }, (_, i) => i), { concurrency: 4 })
    const err = await job.all().catch(e => e)
    expect(err.name).toBe('MapTaskError')
    expect(err.index).toBe(7)
    expect(err.cause.name).toBe('RemoteError')
    expect(err.cause.message).toContain('seven is not welcome')
    await expect((async () => { for await (const _ of job) {} })()).rejects.toMatchObject({ name: 'MapTaskError', index: 7 })
  })

  it('retries a task whose handler marked its error retryable', async () => {
    const job = requester.map<number>('flaky', [1, 2, 3, 4], { maxAttempts: 2 })
    expect(await job.all()).toEqual([1, 2, 3, 4])
    expect(job.progress.retried).toBe(4)
  })

  it('gives each result once to an iterator and in input order to all(), with progress', async () => {
    const inputs = Array.from({ length: 30 }, (_, i) => i)
    const job = requester.map<{ value: number }>('square', inputs, { concurrency: 5, speculative: false })
    expect(job.progress).toMatchObject({ total: 30, done: 0, running: 5 })
    const seen: Array<MapResult<{ value: number }>> = []
    let maxRunning = 0
    for await (const result of job) {
      seen.push(result)
      maxRunning = Math.max(maxRunning, job.progress.running)
      expect(job.progress.done).toBeGreaterThanOrEqual(seen.length)
    }
    expect(seen.map(r => r.index).sort((a, b) => a - b)).toEqual(inputs)
    for (const r of seen) {
      expect(r.value.value).toBe(r.index * r.index)
      expect(counters.has(r.peerId)).toBe(true)
    }
    expect((await job.all()).map(v => v.value)).toEqual(inputs.map(x => x * x))
    expect(maxRunning).toBeLessThanOrEqual(5)
    expect(job.progress).toEqual({ total: 30, done: 30, running: 0, retried: 0, speculated: 0 })
  })

  it('aborting its signal stops the job: its tasks are aborted on the workers, and both readers see AbortError', async () => {
    const abortedBefore = [...counters.values()].reduce((n, c) => n + c.aborted, 0)
    const controller = new AbortController()
    const job = requester.map('square', Array.from({ length: 40 }, (_, i) => i), { concurrency: 4, signal: controller.signal })
    const iterated = (async () => { for await (const _ of job) {} })()
    await expect.poll(() => job.progress.done).toBeGreaterThan(0)
    controller.abort()
    await expect(job.all()).rejects.toMatchObject({ name: 'AbortError' })
    await expect(iterated).rejects.toMatchObject({ name: 'AbortError' })
    expect(job.progress.running).toBe(0)
    expect(job.progress.done).toBeLessThan(40)
    await expect.poll(() => [...counters.values()].reduce((n, c) => n + c.aborted, 0) - abortedBefore).toBeGreaterThan(0)
  })

  it('backs up a straggler on another worker and cancels the losing attempt', async () => {
    const slowCounters = counters.get(slow.peerId)!
    const { aborted: abortedBefore, runs: runsBefore } = slowCounters
    const inputs = Array.from({ length: 30 }, (_, i) => i)
    // a requester that has not yet learnt to avoid the slow worker
    const fresh = await mesh.add()
    await fresh.waitForWorkers('square', 3)
    const startedAt = Date.now()
    const job = fresh.map<{ value: number, by: string }>('square', inputs, { concurrency: 6 })
    const values = await job.all()
    const elapsed = Date.now() - startedAt
    expect(values.map(v => v.value)).toEqual(inputs.map(x => x * x))
    expect(slowCounters.runs - runsBefore).toBeGreaterThan(0)
    expect(job.progress.speculated).toBeGreaterThan(0)
    // every task the slow worker began was either beaten (and aborted there) or answered there
    expect(slowCounters.aborted - abortedBefore).toBeGreaterThan(0)
    // loose: the slow worker's 2 s tasks do not hold the job up
    expect(elapsed).toBeLessThan(SLOW_MS)
  })
})

describe('hedged requests', () => {
  let mesh: TestMesh
  const aborted = new Map<string, number>()

  beforeAll(async () => {
    mesh = await createMeshOf(3)
    const [, fastNode, slowNode] = mesh.nodes
    for (const node of [fastNode, slowNode]) {
      aborted.set(node.peerId, 0)
      node.serve('who', async (_: unknown, ctx) => {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, node === slowNode ? 5_000 : FAST_MS)
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            aborted.set(node.peerId, aborted.get(node.peerId)! + 1)
            reject(new Error('aborted'))
          }, { once: true })
        })
        return node.peerId
      })
    }
    await mesh.nodes[0].waitForWorkers('who', 2)
  })

  afterAll(async () => {
    await mesh?.stop()
  })

  it('takes the fast worker\'s answer and cancels the slow attempt', async () => {
    const [requester, fastNode, slowNode] = mesh.nodes
    const startedAt = Date.now()
    const answer = await requester.request('who', null, { preferPeer: slowNode.peerId, hedgeAfterMs: 100 })
    expect(answer).toBe(fastNode.peerId)
    expect(Date.now() - startedAt).toBeLessThan(4_000)
    await expect.poll(() => aborted.get(slowNode.peerId)).toBe(1)
    expect(aborted.get(fastNode.peerId)).toBe(0)
  })

  it('sends no second attempt when the first answers in time', async () => {
    const [requester, fastNode] = mesh.nodes
    let dispatched = 0
    const count = (): void => { dispatched++ }
    requester.addEventListener('task:dispatch', count)
    expect(await requester.request('who', null, { preferPeer: fastNode.peerId, hedgeAfterMs: 1_000 })).toBe(fastNode.peerId)
    requester.removeEventListener('task:dispatch', count)
    expect(dispatched).toBe(1)
  })

  it('refuses a bad hedgeAfterMs', async () => {
    await expect(mesh.nodes[0].request('who', null, { hedgeAfterMs: 0 })).rejects.toMatchObject({ name: 'InvalidArgumentError' })
  })
})
