/**
 * The mesh's yamux sends a stream's window updates at half a window: many
 * small messages bring back next to no updates, bulk transfers still get
 * the credit they need, and both directions keep working.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { StreamState } from '@chainsafe/libp2p-yamux/stream'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { meshMuxer, updateAtHalfWindow } from '../../src/channel/muxer.ts'
import type { StreamMuxer, StreamMuxerFactory, Stream } from '@libp2p/interface'

/** yamux's frame type of a window update (its specification's value). */
const WINDOW_UPDATE = 1

interface Counted { muxer: StreamMuxer, windowUpdates: () => number }

/** A muxer over `conn` whose window-update frames are counted. */
function counted (factory: StreamMuxerFactory, conn: any): Counted {
  const muxer = factory.createStreamMuxer(conn)
  let updates = 0
  const target = muxer as any
  const sendFrame = target.sendFrame
  target.sendFrame = function (header: { type: number }, data?: unknown) {
    if (header.type === WINDOW_UPDATE) {
      updates++
    }
    return sendFrame.call(this, header, data)
  }
  return { muxer, windowUpdates: () => updates }
}

async function pair (make: () => StreamMuxerFactory): Promise<{ a: Counted, b: Counted, out: Stream, into: Promise<Stream> }> {
  const [outbound, inbound] = multiaddrConnectionPair()
  const a = counted(make(), outbound)
  const b = counted(make(), inbound)
  const into = new Promise<Stream>(resolve => {
    b.muxer.addEventListener('stream', (evt: any) => { resolve(evt.detail) }, { once: true })
  })
  const out = await a.muxer.createStream()
  return { a, b, out, into }
}

async function write (stream: Stream, data: Uint8Array): Promise<void> {
  if (!stream.send(data)) {
    await stream.onDrain()
  }
}

/** Reads `bytes` bytes from `stream`, returning them joined. */
async function read (stream: Stream, bytes: number): Promise<Uint8Array> {
  const out = new Uint8Array(bytes)
  let at = 0
  for await (const chunk of stream) {
    const data = chunk instanceof Uint8Array ? chunk : chunk.subarray()
    out.set(data, at)
    at += data.byteLength
    if (at >= bytes) {
      break
    }
  }
  return out
}

/** Sends `count` messages of `size` bytes one way, each read before the next is sent. */
async function pingPongOneWay (make: () => StreamMuxerFactory, count: number, size: number): Promise<number> {
  const { b, out, into } = await pair(make)
  await write(out, new Uint8Array(size))
  const remote = await into
  const reader = remote[Symbol.asyncIterator]()
  let received = 0
  while (received < count * size) {
    const next = await reader.next()
    received += (next.value as Uint8Array).byteLength
    if (received < count * size && received % size === 0) {
      await write(out, new Uint8Array(size).fill(received / size))
    }
  }
  return b.windowUpdates()
}

describe('mesh muxer', () => {
  it('answers 500 small messages with at most one window update, where stock yamux sends one per message', async () => {
    const stock = await pingPongOneWay(() => yamux()(), 500, 256)
    const mesh = await pingPongOneWay(() => meshMuxer()(), 500, 256)
    expect(stock).toBeGreaterThanOrEqual(500)
    // the one update left is the ACK that opens the inbound stream
    expect(mesh).toBeLessThanOrEqual(1)
  })

  it('moves 4 MiB intact in both directions, with credit given as the window fills', async () => {
    const { b, out, into } = await pair(() => meshMuxer()())
    const bytes = 4 * 1024 * 1024
    const data = new Uint8Array(bytes).map((_, i) => (i * 31) & 0xff)
    const sending = (async () => {
      for (let at = 0; at < bytes; at += 64 * 1024) {
        await write(out, data.subarray(at, at + 64 * 1024))
      }
    })()
    const remote = await into
    const [got] = await Promise.all([read(remote, bytes), sending])
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true)
    // 4 MiB through a 256 KiB window cannot pass without updates
    expect(b.windowUpdates()).toBeGreaterThan(2)

    const back = data.subarray(0, 1024 * 1024)
    const replying = (async () => {
      for (let at = 0; at < back.byteLength; at += 64 * 1024) {
        await write(remote, back.subarray(at, at + 64 * 1024))
      }
    })()
    const [returned] = await Promise.all([read(out, back.byteLength), replying])
    expect(Buffer.from(returned).equals(Buffer.from(back))).toBe(true)
  })
})

describe('mesh muxer, a connection gone under a stream', () => {
  it('ends the stream with the send error instead of throwing it into the event loop', () => {
    const gone = new Error('Cannot write to a stream that is closed')
    const aborted: Error[] = []
    const stream = {
      state: StreamState.SYNSent,
      recvWindow: 256 * 1024,
      recvWindowCapacity: 256 * 1024,
      sendWindowUpdate: () => { throw gone },
      abort: (err: Error) => { aborted.push(err) }
    }
    updateAtHalfWindow(stream)
    expect(() => { stream.sendWindowUpdate() }).not.toThrow()
    expect(aborted).toEqual([gone])
  })
})
