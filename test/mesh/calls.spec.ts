import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RetryableError } from '../../src/errors.ts'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext } from '../../src/types.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('calls', () => {
  let mesh: TestMesh
  let caller: TestMesh['nodes'][number]
  const seenAborts: string[] = []
  const produced = new Map<string, number>()

  beforeAll(async () => {
    mesh = await createMeshOf(6)
    caller = mesh.nodes[5]
    for (const w of mesh.nodes.slice(1, 5)) {
      w.serve('echo', async (input: unknown) => input)
      w.serve('count', async function * (input: { n: number }) {
        for (let i = 0; i < input.n; i++) yield i
      })
      w.serve('hang', async (_input: unknown, ctx: HandlerContext) => {
        await new Promise((resolve) => { ctx.signal.addEventListener('abort', resolve) })
        seenAborts.push(ctx.taskId)
        return 'never delivered'
      })
      w.serve('fail', async () => {
        const err = new Error('bad input') as Error & { code: string }
        err.code = 'EBADINPUT'
        throw err
      })
      w.serve('flaky', async () => {
        if (w !== mesh.nodes[1]) throw new RetryableError('not here')
        return w.peerId
      })
      w.serve('slow-reader', async function * (_input: unknown, ctx: HandlerContext) {
        for (let i = 0; i < 1000; i++) {
          produced.set(ctx.taskId, i + 1)
          yield i
        }
      })
      w.serve('big-chunks', async function * () {
        for (let i = 0; i < 200; i++) yield new Uint8Array(1024 * 1024)
      })
    }
    await caller.waitForWorkers('slow-reader', 4)
  })

  afterAll(async () => { await mesh.stop() })

  it('carries JSON values and bytes', async () => {
    expect(await caller.request('echo', { a: [1, 'two', null], b: true })).toEqual({ a: [1, 'two', null], b: true })
    expect(await caller.request('echo', 'text')).toBe('text')
    const bytes = new Uint8Array([0, 1, 2, 255])
    const back = await caller.request('echo', bytes)
    expect(back).toBeInstanceOf(Uint8Array)
    expect([...back]).toEqual([0, 1, 2, 255])
  })

  it('streams chunks in order', async () => {
    const chunks: number[] = []
    for await (const n of caller.stream<number>('count', { n: 500 })) {
      chunks.push(n)
    }
    expect(chunks).toEqual(Array.from({ length: 500 }, (_, i) => i))
  })

  it('request on a streaming service gathers the chunks', async () => {
    expect(await caller.request('count', { n: 3 })).toEqual([0, 1, 2])
  })

  it('a slow reader slows the handler: the worker stays within the credit window', async () => {
    const stream = caller.stream<number>('slow-reader', null, { window: 16 })
    let read = 0
    for await (const n of stream) {
      expect(n).toBe(read)
      read++
      if (read === 50) {
        await sleep(300)
        // the handler has produced at most what was read plus one window (and one in hand)
        expect(produced.get(stream.id)).toBeLessThanOrEqual(read + 16 + 1)
      }
    }
    expect(read).toBe(1000)
  })

  it('a reader that leaves more than 64 MiB unread gets ProtocolError, not a growing buffer', async () => {
    const stream = caller.stream<Uint8Array>('big-chunks', null, { window: 1024 })
    const iterator = stream[Symbol.asyncIterator]()
    await iterator.next()
    await sleep(1_000)
    let read = 1
    const drained = (async () => { for (;;) { if ((await iterator.next()).done === true) return; read++ } })()
    await expect(drained).rejects.toHaveProperty('name', 'ProtocolError')
    expect(read).toBeLessThan(200)
  })

  it('a timeout rejects with TimeoutError and reaches the handler as an abort', async () => {
    const before = seenAborts.length
    await expect(caller.request('hang', null, { timeoutMs: 200 })).rejects.toHaveProperty('name', 'TimeoutError')
    await eventually(() => seenAborts.length === before + 1, 5_000, 'handler sees the abort')
  })

  it('an abort signal rejects with AbortError and reaches the handler', async () => {
    const before = seenAborts.length
    const controller = new AbortController()
    const pending = caller.request('hang', null, { signal: controller.signal })
    setTimeout(() => { controller.abort() }, 100)
    await expect(pending).rejects.toHaveProperty('name', 'AbortError')
    await eventually(() => seenAborts.length === before + 1, 5_000, 'handler sees the abort')
  })

  it('breaking out of a stream cancels the task', async () => {
    const before = seenAborts.length
    const stream = caller.stream('hang', null)
    setTimeout(() => { stream.cancel() }, 100)
    await expect((async () => { for await (const _ of stream) {} })()).rejects.toHaveProperty('name', 'AbortError')
    await eventually(() => seenAborts.length === before + 1, 5_000, 'handler sees the abort')
  })

  it('an application error comes back as RemoteError with its code, not retried', async () => {
    let dispatches = 0
    const count = (): void => { dispatches++ }
    caller.addEventListener('task:dispatch', count)
    const err = await caller.request('fail', null).catch(e => e)
    caller.removeEventListener('task:dispatch', count)
    expect(err.name).toBe('RemoteError')
    expect(err.code).toBe('EBADINPUT')
    expect(err.message).toBe('bad input')
    expect(dispatches).toBe(1)
  })

  it('a retryable error moves the task to another worker', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, async () => caller.request('flaky', null, { maxAttempts: 4 })))
    expect(new Set(answers)).toEqual(new Set([mesh.nodes[1].peerId]))
  })

  it('fan-out gathers an answer from every live worker, tagged with its peer', async () => {
    const replies = await caller.broadcast('echo', 'hi')
    expect(replies).toHaveLength(4)
    expect(new Set(replies.map(r => r.peerId))).toEqual(new Set(mesh.nodes.slice(1, 5).map(n => n.peerId)))
    expect(replies.every(r => r.ok && r.value === 'hi')).toBe(true)
  })

  it('fan-out with a quorum resolves once enough answered', async () => {
    const replies = await caller.broadcast('echo', 'q', { quorum: 2 })
    expect(replies.filter(r => r.ok).length).toBeGreaterThanOrEqual(2)
    await expect(caller.broadcast('echo', 'q', { quorum: 9 })).rejects.toHaveProperty('name', 'NoWorkersError')
  })

  it('a service nobody serves fails with NoWorkersError', async () => {
    await expect(caller.request('nobody-serves-this', null, { timeoutMs: 10_000 })).rejects.toHaveProperty('name', 'NoWorkersError')
  })

  it('a fractional timeout is rounded up to whole milliseconds, not left hanging', async () => {
    expect(await caller.request('echo', 'x', { timeoutMs: 2_500.5 })).toBe('x')
    const chunks: unknown[] = []
    for await (const c of caller.stream('count', { n: 2 }, { timeoutMs: 1_000.25 })) chunks.push(c)
    expect(chunks).toHaveLength(2)
  })

  it('bad arguments get InvalidArgumentError', async () => {
    await expect(caller.request('', null)).rejects.toHaveProperty('name', 'InvalidArgumentError')
    await expect(caller.request('echo', null, { timeoutMs: -1 })).rejects.toHaveProperty('name', 'InvalidArgumentError')
    await expect(caller.request('echo', { f: 1n })).rejects.toHaveProperty('name', 'InvalidArgumentError')
    expect(() => { caller.serve('x', 'not a function' as any) }).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('pub/sub delivers to every subscriber', async () => {
    const got = new Map<string, unknown[]>()
    const subs = mesh.nodes.slice(1, 4).map(node => node.subscribe('events', (data, meta) => {
      got.set(node.peerId, [...(got.get(node.peerId) ?? []), { data, from: meta.from }])
    }))
    // subscriptions travel through gossipsub before the first message can
    const pubsub = (caller.libp2p.services as any).pubsub
    await eventually(() => pubsub.getSubscribers('meshwork/1/app/events').length >= 3, 10_000, 'caller sees the subscribers')
    await caller.publish('events', { kind: 'hello' })
    await eventually(() => got.size === 3, 10_000, 'three subscribers got the event')
    for (const messages of got.values()) {
      expect(messages).toEqual([{ data: { kind: 'hello' }, from: caller.peerId }])
    }
    subs.forEach(unsubscribe => { unsubscribe() })
  })

  it('unsubscribe stops delivery to that subscriber; the others still get later events', async () => {
    const got = new Map<string, unknown[]>()
    const [leaver, ...stayers] = mesh.nodes.slice(1, 4)
    const subs = [leaver, ...stayers].map(node => node.subscribe('news', data => {
      got.set(node.peerId, [...(got.get(node.peerId) ?? []), data])
    }))
    const pubsub = (caller.libp2p.services as any).pubsub
    await eventually(() => pubsub.getSubscribers('meshwork/1/app/news').length >= 3, 10_000, 'caller sees the subscribers')
    await caller.publish('news', 1)
    await eventually(() => [leaver, ...stayers].every(n => got.get(n.peerId)?.length === 1), 10_000, 'everyone got the first event')

    subs[0]()
    await caller.publish('news', 2)
    // the positive control: the event went out and reached those still subscribed
    await eventually(() => stayers.every(n => got.get(n.peerId)?.length === 2), 10_000, 'the others got the second event')
    await sleep(300)
    expect(got.get(leaver.peerId)).toEqual([1])
    subs.slice(1).forEach(unsubscribe => { unsubscribe() })
  })
})
