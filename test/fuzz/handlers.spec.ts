/**
 * The stream handlers of a live peer fuzzed over real libp2p streams:
 * random frames (every kind, any fields) and random bytes on task channels,
 * random bytes on the presence sync protocol. The peer never crashes, every
 * refusal it sends is a typed error, and honest calls are served throughout.
 *
 * A peer that sends garbage is graylisted after a few inputs, and from then
 * on its streams are refused before any handler sees them. So the inputs
 * come from fresh peers, each sending fewer than that, and only inputs that
 * were written to an open stream of the handler are counted — all of them
 * must be.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { PRESENCE_PROTOCOL } from '../../src/constants.ts'
import { KIND_ERROR } from '../../src/wire/frame.ts'
import { hostilePeer } from '../attacks/hostile.ts'
import { LIVE_RUNS } from './fuzz.ts'
import type { HostilePeer, RawChannel } from '../attacks/hostile.ts'
import type { FrameInit } from '../../src/wire/frame.ts'
import type { MeshNode } from '../../src/types.ts'

/**
 * Garbage inputs one hostile peer sends before a fresh one takes over: each
 * costs it score, and from the fifth or so on it is graylisted (its streams
 * reset on arrival)
 */
const INPUTS_PER_PEER = 4
/** A worker takes 5 new connections a second from one host (libp2p's default): fresh peers come no faster */
const FRESH_PEER_EVERY_MS = 250

/** Error codes a worker may send: meshwork's refusals, or what a handler threw */
const TYPED = new Set(['NoWorkersError', 'TimeoutError', 'AccessDeniedError', 'RateLimitedError', 'ProtocolError', 'InvalidInputError', 'Error', 'AbortError'])

const frame: fc.Arbitrary<FrameInit> = fc.record({
  kind: fc.integer({ min: 0, max: 12 }),
  task: fc.oneof(fc.constantFrom('t1', 't2', 't3'), fc.string({ maxLength: 300 })),
  attempt: fc.nat({ max: 5 }),
  service: fc.oneof(fc.constantFrom('echo', 'stream', 'secret'), fc.string({ maxLength: 20 })),
  payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new TextEncoder().encode('{"n":3}'))),
  codec: fc.nat({ max: 3 }),
  seq: fc.nat({ max: 10 }),
  credit: fc.nat({ max: 100_000 }),
  timeoutMs: fc.nat({ max: 100_000 }),
  flags: fc.nat({ max: 3 }),
  token: fc.uint8Array({ maxLength: 80 }),
  time: fc.double({ noNaN: true }),
  prior: fc.array(fc.record({ data: fc.uint8Array({ maxLength: 8 }), codec: fc.nat({ max: 2 }) }), { maxLength: 4 })
}, { requiredKeys: ['kind'] })

describe(`a live worker's stream handlers, ${LIVE_RUNS} inputs each`, () => {
  let worker: MeshNode
  let honest: MeshNode
  let evil: HostilePeer

  beforeAll(async () => {
    worker = await createMeshNode({ webrtc: false, limits: { maxTasksPerPeer: 64 } })
    honest = await createMeshNode({ webrtc: false, bootstrap: [worker.addrs()[0]] })
    worker.serve('echo', async (x: unknown) => x)
    worker.serve('stream', async function * (input: any, ctx) {
      for (let i = 0; i < Math.min(Number(input?.n) || 1, 5); i++) {
        ctx.signal.throwIfAborted()
        yield i
      }
    })
    worker.serve('secret', async () => 'no', { access: { allow: [honest.peerId] } })
    await honest.waitForWorkers('echo', 1)
    evil = await hostilePeer({ bootstrap: [worker.addrs()[0]] })
  }, 60_000)

  afterAll(async () => {
    await evil?.stop()
    await Promise.all([honest, worker].map(async n => n?.stop()))
  })

  /** Hostile peers in turn, a fresh one every `INPUTS_PER_PEER` inputs; stops the old ones. */
  function freshPeers (): { next(): Promise<HostilePeer>, stop(): Promise<void> } {
    let current: HostilePeer | undefined
    let used = 0
    let startedAt = 0
    return {
      next: async () => {
        if (current == null || used >= INPUTS_PER_PEER) {
          await current?.stop()
          // the first peer waits for nobody; a later one only for what is left of its turn
          const waitMs = startedAt + FRESH_PEER_EVERY_MS - Date.now()
          if (startedAt > 0 && waitMs > 0) {
            await new Promise(resolve => setTimeout(resolve, waitMs))
          }
          startedAt = Date.now()
          current = await hostilePeer({ bootstrap: [worker.addrs()[0]] })
          used = 0
        }
        used++
        return current
      },
      stop: async () => { await current?.stop() }
    }
  }

  it('random frames: the worker answers with typed errors or results, and keeps serving', async () => {
    let channel: RawChannel | undefined
    const channels: RawChannel[] = []
    let sent = 0
    let written = 0
    await fc.assert(fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
      for (const f of frames) {
        if (channel == null || channel.stream.status !== 'open') {
          // refused (a graylisted sender) would throw here and fail the property
          channel = await evil.channel(worker.peerId)
          channels.push(channel)
        }
        sent++
        if (channel.send(f)) {
          written++
        }
      }
      if (sent % 200 < frames.length) {
        expect(await honest.request('echo', sent, { timeoutMs: 10_000 })).toBe(sent)
      }
    }), { numRuns: LIVE_RUNS })
    await new Promise(resolve => setTimeout(resolve, 500))
    const errors = channels.flatMap(c => c.received.filter(f => f.kind === KIND_ERROR).map(f => f.code))
    console.log(`random frames sent ${sent}, written to an open channel ${written}, on ${channels.length} channels; replies ${channels.reduce((n, c) => n + c.received.length, 0)}, error codes ${[...new Set(errors)].join(', ')}`)
    // a frame that found its channel closed (reset by the worker) went nowhere: at most the rest of one batch
    expect(written).toBeGreaterThan(sent * 0.9)
    expect(errors.filter(code => !TYPED.has(code))).toEqual([])
    expect(await honest.request('echo', 'after', { timeoutMs: 10_000 })).toBe('after')
  }, 300_000)

  it('random bytes on task channels and on presence sync: reset or ignored, never a crash', async () => {
    const peers = freshPeers()
    let inputs = 0
    let reached = 0
    const refused = new Map<string, number>()
    try {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.boolean(), async (bytes, presence) => {
        inputs++
        const sender = await peers.next()
        try {
          if (presence) {
            const stream = await sender.libp2p.dialProtocol(peerIdFromString(worker.peerId), PRESENCE_PROTOCOL)
            stream.send(bytes)
            reached++
            await stream.close().catch(() => {})
          } else {
            const channel = await sender.channel(worker.peerId)
            if (channel.sendBytes(bytes)) {
              reached++
            }
            await channel.stream.close().catch(() => {})
          }
        } catch (err: any) {
          refused.set(err.name, (refused.get(err.name) ?? 0) + 1)
        }
      }), { numRuns: Math.max(1, Math.round(LIVE_RUNS / 12)) })
    } finally {
      await peers.stop()
    }
    console.log(`random byte streams sent ${inputs}, reached a handler ${reached}; refused: ${[...refused].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`)
    // fresh senders are never graylisted: every input reached the worker's handler
    expect(reached).toBe(inputs)
    expect(await honest.request('echo', 'after bytes', { timeoutMs: 10_000 })).toBe('after bytes')
  }, 300_000)
})
