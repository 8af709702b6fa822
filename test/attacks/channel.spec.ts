/**
 * Attacks on task channels, from a real libp2p peer writing frames by hand:
 * - results, chunks and errors for tasks it was never assigned (their ids
 *   learned from broadcast claims);
 * - the same task sent again (same channel, a new channel, a later attempt);
 * - a cancel for another requester's task;
 * - claims sent on a channel, many, with no task after them;
 * - bytes that are not frames, and a length prefix of a gigabyte.
 * The requester takes replies only from the worker holding the attempt, a
 * handler runs once per task, and a broken channel is reset without
 * touching anyone else's work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { MAX_RESERVATIONS_PER_REQUESTER, SERVICE_TOPIC_PREFIX } from '../../src/constants.ts'
import { encodePayload } from '../../src/wire/payload.ts'
import { Claim } from '../../src/wire/generated/presence.js'
import { FLAG_JOURNALED, FLAG_STREAM, KIND_CANCEL, KIND_CHUNK, KIND_CLAIM, KIND_ERROR, KIND_OFFER, KIND_RESULT, KIND_TASK } from '../../src/wire/frame.ts'
import { eventually } from '../helpers/mesh.ts'
import { hostilePeer } from './hostile.ts'
import type { HostilePeer, RawChannel } from './hostile.ts'
import type { MeshNode } from '../../src/types.ts'

const payload = (value: unknown): { payload: Uint8Array, codec: number } => { const { data, codec } = encodePayload(value); return { payload: data, codec } }
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('hostile frames on task channels', () => {
  let relay: MeshNode
  let worker: MeshNode
  let requester: MeshNode
  let evil: HostilePeer
  const runs = new Map<string, number>()

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', webrtc: false })
    const bootstrap = [relay.addrs()[0]]
    worker = await createMeshNode({ bootstrap, webrtc: false })
    requester = await createMeshNode({ bootstrap, webrtc: false })
    worker.serve('ticks', async function * (input: number, ctx) {
      runs.set(`${ctx.requester}/${ctx.taskId}`, (runs.get(`${ctx.requester}/${ctx.taskId}`) ?? 0) + 1)
      for (let i = 0; i < input; i++) yield i
    })
    worker.serve('slow', async (input: unknown, ctx) => {
      runs.set(`${ctx.requester}/${ctx.taskId}`, (runs.get(`${ctx.requester}/${ctx.taskId}`) ?? 0) + 1)
      await sleep(300)
      return { honest: input }
    })
    await requester.waitForWorkers('slow', 1)
    evil = await hostilePeer({ bootstrap: [...bootstrap, requester.addrs()[0], worker.addrs()[0]] })
  }, 60_000)

  afterAll(async () => {
    await evil?.stop()
    await Promise.all([requester, worker, relay].map(async n => n?.stop()))
  })

  it('replies from a peer that was not assigned the task are dropped', async () => {
    // the hostile peer hears every claim and answers it at once, without offering
    const forged = encodePayload({ honest: 'forged' })
    let toRequester: RawChannel | undefined
    let answered = 0
    evil.pubsub.subscribe(`${SERVICE_TOPIC_PREFIX}slow`)
    evil.pubsub.addEventListener('message', e => {
      if (e.detail.topic !== `${SERVICE_TOPIC_PREFIX}slow`) return
      const { task } = Claim.decode(e.detail.data)
      void (async () => {
        toRequester ??= await evil.channel(requester.peerId)
        for (let attempt = 0; attempt <= 3; attempt++) {
          toRequester.send({ kind: KIND_CHUNK, task, attempt, seq: 0, payload: forged.data, codec: forged.codec })
          toRequester.send({ kind: KIND_RESULT, task, attempt, payload: forged.data, codec: forged.codec })
          toRequester.send({ kind: KIND_ERROR, task, attempt, code: 'AccessDeniedError', message: 'forged' })
        }
        answered++
      })()
    })
    await sleep(1_500)
    const results = await Promise.all(Array.from({ length: 10 }, async (_, i) => requester.request('slow', i, { mode: 'broadcast', timeoutMs: 20_000 })))
    expect(answered).toBeGreaterThan(0)
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => ({ honest: i })))
  })

  it('a task sent again runs once: same channel, a new channel, a later attempt', async () => {
    const first = await evil.channel(worker.peerId)
    // marked journaled, as a requester that may send it again after a restart marks it
    const task = { kind: KIND_TASK, task: 'replayed-1', attempt: 1, service: 'slow', flags: FLAG_JOURNALED, ...payload('x') }
    first.send(task)
    first.send(task)
    await eventually(() => first.received.some(f => f.kind === KIND_RESULT), 10_000, 'a result')
    first.send(task)
    first.send({ ...task, attempt: 2 })
    const second = await evil.channel(worker.peerId)
    second.send(task)
    second.send({ ...task, attempt: 3 })
    await eventually(() => second.received.filter(f => f.kind === KIND_RESULT).length >= 2, 10_000, 'replies on the new channel')
    await sleep(500)
    expect(runs.get(`${evil.peerId}/replayed-1`)).toBe(1)
    // every reply is the stored one
    const replies = [...first.received, ...second.received].filter(f => f.kind === KIND_RESULT)
    expect(new Set(replies.map(f => new TextDecoder().decode(f.payload)))).toEqual(new Set(['{"honest":"x"}']))
  })

  it('a streamed task sent again after it finished is answered from the stored chunks', async () => {
    const first = await evil.channel(worker.peerId)
    const task = { kind: KIND_TASK, task: 'replayed-stream', attempt: 1, service: 'ticks', flags: FLAG_STREAM | FLAG_JOURNALED, credit: 100, ...payload(5) }
    first.send(task)
    await eventually(() => first.received.some(f => f.kind === KIND_RESULT), 10_000, 'the stream')
    // a CHUNK frame carries chunk `seq` and, in `more`, the ones right after it
    const expand = (frames: typeof first.received): Array<{ seq: number, data: Uint8Array, codec: number }> => frames
      .filter(f => f.kind === KIND_CHUNK)
      .flatMap(f => [{ data: f.payload, codec: f.codec }, ...f.more].map((c, i) => ({ seq: f.seq + i, ...c })))
    const second = await evil.channel(worker.peerId)
    // a later attempt on a new channel, as a restarted requester sends it, missing the last two chunks
    second.send({ ...task, attempt: 2, seq: 3, prior: expand(first.received).slice(0, 3).map(c => ({ data: c.data, codec: c.codec })) })
    await eventually(() => second.received.some(f => f.kind === KIND_RESULT), 10_000, 'the replay')
    const chunks = (frames: typeof first.received): string[] => expand(frames).map(c => `${c.seq}:${new TextDecoder().decode(c.data)}`)
    expect(chunks(first.received)).toEqual(['0:0', '1:1', '2:2', '3:3', '4:4'])
    expect(chunks(second.received)).toEqual(['3:3', '4:4'])
    expect(runs.get(`${evil.peerId}/replayed-stream`)).toBe(1)
  })

  it("a cancel (or a task) under another requester's task id touches only the sender's own tasks", async () => {
    // the attacker knows the honest task's id (a claim on the topic carries it; here it is simply told)
    let id: string | undefined
    requester.addEventListener('task:dispatch', (e) => { id ??= e.detail.taskId })
    const call = requester.request('slow', 'mine', { mode: 'broadcast', timeoutMs: 20_000 })
    await eventually(() => id != null, 10_000, 'the claim')
    const channel = await evil.channel(worker.peerId)
    for (let attempt = 0; attempt < 3; attempt++) {
      channel.send({ kind: KIND_CANCEL, task: id, attempt })
      channel.send({ kind: KIND_TASK, task: id, attempt, service: 'slow', ...payload('theirs') })
    }
    expect(await call).toEqual({ honest: 'mine' })
  })

  it('claims on a channel with no task after them hold room for a short while only: honest calls are served', async () => {
    // as much room as one requester may reserve: the claims hold all of it
    worker.serve('scarce', async (input: unknown) => ({ honest: input }), { concurrency: MAX_RESERVATIONS_PER_REQUESTER })
    await requester.waitForWorkers('scarce', 1)
    // a peer of its own: claims are no misbehaviour, but the peer sent garbage by now
    const hoarder = await hostilePeer({ bootstrap: [worker.addrs()[0]] })
    try {
      const channel = await hoarder.channel(worker.peerId)
      const claims = 1_000
      for (let i = 0; i < claims; i++) {
        channel.send({ kind: KIND_CLAIM, task: `hoard-${i}`, service: 'scarce' })
      }
      await eventually(() => channel.received.some(f => f.kind === KIND_OFFER), 10_000, 'an offer')
      await sleep(200)
      expect(channel.received.filter(f => f.kind === KIND_OFFER).length).toBe(MAX_RESERVATIONS_PER_REQUESTER)
      // the honest calls wait at most until the reservations lapse
      const results = await Promise.all(Array.from({ length: 4 * MAX_RESERVATIONS_PER_REQUESTER }, async (_, i) => requester.request('scarce', i, { timeoutMs: 5_000 })))
      expect(results).toEqual(Array.from({ length: 4 * MAX_RESERVATIONS_PER_REQUESTER }, (_, i) => ({ honest: i })))
      // the room is free again: the claimer may reserve it again, and the calls behind it still run
      await sleep(1_200)
      for (let i = 0; i < claims; i++) {
        channel.send({ kind: KIND_CLAIM, task: `again-${i}`, service: 'scarce' })
      }
      await eventually(() => channel.received.filter(f => f.kind === KIND_OFFER).length > MAX_RESERVATIONS_PER_REQUESTER, 10_000, 'offers again')
      await sleep(200)
      expect(channel.received.filter(f => f.kind === KIND_OFFER).length).toBe(2 * MAX_RESERVATIONS_PER_REQUESTER)
      expect(await requester.request('scarce', 'after', { timeoutMs: 5_000 })).toEqual({ honest: 'after' })
    } finally {
      await hoarder.stop()
    }
  })

  it('bytes that are not frames, or a huge length, reset only that channel', async () => {
    // a peer of its own: a connection carries a few task streams at most
    const evil = await hostilePeer({ bootstrap: [worker.addrs()[0]] })
    const garbage = await evil.channel(worker.peerId)
    garbage.sendBytes(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x12, 0x80]))
    garbage.sendBytes(crypto.getRandomValues(new Uint8Array(4096)))
    const huge = await evil.channel(worker.peerId)
    // a varint announcing a 1 GiB frame: refused at the prefix, nothing buffered
    huge.sendBytes(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04]))
    await Promise.all([garbage.closed, huge.closed])
    await evil.stop()
    expect(await requester.request('slow', 'after', { timeoutMs: 10_000 })).toEqual({ honest: 'after' })
  })

  it('a peer that keeps sending garbage is hung up on and kept out, as for invalid gossip', async () => {
    const pest = await hostilePeer({ bootstrap: [relay.addrs()[0], worker.addrs()[0]] })
    try {
      for (let i = 0; i < 12 && pest.libp2p.getConnections().some(c => c.remotePeer.toString() === worker.peerId); i++) {
        const channel = await pest.channel(worker.peerId).catch(() => undefined)
        channel?.sendBytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
        await channel?.closed
      }
      await eventually(() => worker.libp2p.getConnections().every(c => c.remotePeer.toString() !== pest.peerId), 5_000, 'the worker hangs up')
      await expect(pest.channel(worker.peerId)).rejects.toThrow()
      expect((worker.libp2p.services as any).pubsub.getScore(pest.peerId)).toBeLessThan(-400)
      // honest work goes on
      expect(await requester.request('slow', 'still', { timeoutMs: 10_000 })).toEqual({ honest: 'still' })
    } finally {
      await pest.stop()
    }
  })
})
