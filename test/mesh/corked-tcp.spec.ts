/**
 * The TCP transport that merges the writes of a turn, between two real
 * libp2p nodes (TCP, noise, yamux): replies made while a read is handled
 * leave with the muxer's window update in one socket write, a message
 * written outside a read in one write of its own, every byte
 * arrives in order, and a reader that stops reading holds the writer back
 * (backpressure) without losing anything once it reads again.
 */
import net from 'node:net'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { corkedTcp } from '../../node/corked-tcp.ts'
import type { Libp2p, Stream } from '@libp2p/interface'

const ECHO = '/test/echo/1.0.0'
const SINK = '/test/sink/1.0.0'
/** Bytes a paused reader is sent: many times what sockets and the muxer's window buffer */
const BIG_BYTES = 16 * 1024 * 1024
/** How long the reader does not read */
const PAUSE_MS = 300

async function node (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [corkedTcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

/** Counts the writes node's sockets hand to the kernel (one per `write` or `writev`). */
function countWrites (): { count: () => number, restore: () => void } {
  const proto = net.Socket.prototype as any
  const original = proto._writeGeneric
  let writes = 0
  proto._writeGeneric = function (...args: unknown[]) {
    writes++
    return original.apply(this, args)
  }
  return { count: () => writes, restore: () => { proto._writeGeneric = original } }
}

describe('corked TCP', () => {
  let server: Libp2p
  let client: Libp2p
  let counter: ReturnType<typeof countWrites> | undefined

  beforeAll(async () => {
    server = await node()
    client = await node()
    await server.handle(ECHO, (stream: Stream) => {
      stream.addEventListener('message', (evt) => { stream.send(evt.data) })
    })
    await server.handle(SINK, (stream: Stream) => {
      // reads nothing for a while, then everything: answers with the byte count and sum
      let bytes = 0
      let sum = 0
      stream.pause()
      setTimeout(() => { stream.resume() }, PAUSE_MS)
      stream.addEventListener('message', (evt) => {
        for (const byte of evt.data.subarray()) sum = (sum + byte) % 65_521
        bytes += evt.data.byteLength
      })
      stream.addEventListener('remoteCloseWrite', () => {
        stream.send(new TextEncoder().encode(`${bytes} ${sum}`))
        void stream.close()
      })
    })
  })

  afterEach(() => { counter?.restore() })

  afterAll(async () => {
    await Promise.all([client, server].map(async n => n?.stop()))
  })

  /**
   * Echoes one byte at a time over a new stream, `rounds` times after a
   * warm-up (the stream's opening and first window updates), each send made
   * after `beforeSend`; returns the socket writes of both sides per round.
   */
  async function writesPerRound (rounds: number, beforeSend: () => Promise<void>): Promise<number> {
    const stream = await client.dialProtocol(multiaddr(server.getMultiaddrs()[0]), ECHO)
    const replies: number[] = []
    let answered!: () => void
    stream.addEventListener('message', (evt) => {
      for (const byte of evt.data.subarray()) replies.push(byte)
      answered?.()
    })
    const roundTrip = async (i: number): Promise<void> => {
      const done = new Promise<void>(resolve => { answered = resolve })
      await beforeSend()
      stream.send(new Uint8Array([i % 256]))
      await done
    }
    for (let i = 0; i < 10; i++) await roundTrip(i)
    counter = countWrites()
    for (let i = 10; i < 10 + rounds; i++) await roundTrip(i)
    const writes = counter.count()
    counter.restore()
    expect(replies).toEqual(Array.from({ length: 10 + rounds }, (_, i) => i % 256))
    await stream.close()
    return writes / rounds
  }

  it('one at a time, a message and its echo cost a socket write each way (not four)', async () => {
    // each side: its message and the window update for the one it read, in one write
    expect(await writesPerRound(200, async () => {})).toBeLessThanOrEqual(2.1)
  })

  it('a message written outside a read leaves in one socket write, its pieces together', async () => {
    // sent from a timer, when no read is being handled: the message (noise's length and sealed
    // bytes in one write, not two), the echo with its window update, the window update for the echo
    const fromTimer = async (): Promise<void> => { await new Promise<void>(resolve => { setTimeout(resolve, 0) }) }
    expect(await writesPerRound(100, fromTimer)).toBeLessThanOrEqual(3.1)
  })

  it('a reader that does not read holds the writer back, and gets every byte in order once it reads', async () => {
    const stream = await client.dialProtocol(multiaddr(server.getMultiaddrs()[0]), SINK)
    const answer = new Promise<string>(resolve => {
      stream.addEventListener('message', (evt) => { resolve(new TextDecoder().decode(evt.data.subarray())) })
    })
    const CHUNK_BYTES = 64 * 1024
    let sum = 0
    let held = 0
    for (let sent = 0, i = 0; sent < BIG_BYTES; sent += CHUNK_BYTES, i++) {
      // a buffer of its own: a sent one is held until the muxer's window lets it go
      const chunk = new Uint8Array(CHUNK_BYTES)
      for (let j = 0; j < chunk.byteLength; j++) chunk[j] = (i + j) % 251
      for (const byte of chunk) sum = (sum + byte) % 65_521
      if (!stream.send(chunk)) {
        held++
        await stream.onDrain()
      }
    }
    // closes this side for writing: the reader answers once it read the rest
    const closing = stream.close()
    expect(await answer).toBe(`${BIG_BYTES} ${sum}`)
    await closing
    // the writer waited for the reader, not only for the kernel
    expect(held).toBeGreaterThan(0)
  })
})
