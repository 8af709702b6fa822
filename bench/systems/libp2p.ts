/**
 * The raw libp2p floor: two libp2p 3 nodes (TCP + noise + yamux) and an
 * echo protocol of length-prefixed messages. `libp2p-pooled` keeps one
 * long-lived stream and pipelines requests on it (replies come back in
 * order); `libp2p-stream` opens a stream per request, as naive code does.
 * A streamed reply is a new stream of length-prefixed tokens.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { Fifo } from '../../src/util/fifo.ts'
import { tokens } from '../lib/payload.ts'
import { frameDecoder, lengthPrefixed } from '../lib/varint-frames.ts'
import type { BenchClient, BenchServer, BenchSystem, ConnectOptions, ServeOptions } from './types.ts'
import type { Connection, Libp2p, Stream } from '@libp2p/interface'

const ECHO = '/bench/echo/1.0.0'
const GEN = '/bench/gen/1.0.0'
const MAX_STREAMS = 1024
const encoder = new TextEncoder()
const decoder = new TextDecoder()

async function node (listen: boolean): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

/** Sends respecting backpressure: waits for drain when the buffer is full. */
async function write (stream: Stream, data: Uint8Array): Promise<void> {
  if (!stream.send(data)) {
    await stream.onDrain()
  }
}

function serveEcho (stream: Stream): void {
  stream.inactivityTimeout = 0
  const decode = frameDecoder()
  stream.addEventListener('message', (evt) => {
    for (const msg of decode(evt.data)) {
      if (!stream.send(lengthPrefixed(msg.subarray()))) {
        stream.pause()
        stream.onDrain().then(() => { stream.resume() }, () => {})
      }
    }
  })
  stream.addEventListener('remoteCloseWrite', () => { void stream.close().catch(() => {}) })
}

function serveGen (stream: Stream, words: Uint8Array[]): void {
  const decode = frameDecoder()
  stream.addEventListener('message', (evt) => {
    for (const msg of decode(evt.data)) {
      const count = Math.min(Number(decoder.decode(msg.subarray())), words.length)
      void (async () => {
        for (let i = 0; i < count; i++) {
          await write(stream, lengthPrefixed(words[i]))
        }
        await stream.close()
      })().catch(err => { stream.abort(err) })
    }
  })
}

async function serve (options: ServeOptions): Promise<BenchServer> {
  const words = tokens().map(t => encoder.encode(t))
  const nodes = await Promise.all(Array.from({ length: options.workers }, async () => node(true)))
  for (const n of nodes) {
    await n.handle(ECHO, (stream) => { serveEcho(stream) }, { maxInboundStreams: MAX_STREAMS })
    await n.handle(GEN, (stream) => { serveGen(stream, words) }, { maxInboundStreams: MAX_STREAMS })
  }
  return {
    info: { addrs: nodes.map(n => n.getMultiaddrs()[0].toString()) },
    close: async () => { await Promise.all(nodes.map(async n => { await n.stop() })) }
  }
}

/** A long-lived echo stream with requests pipelined; replies arrive in order. */
async function pooledEcho (connection: Connection): Promise<(payload: Uint8Array) => Promise<Uint8Array>> {
  const stream = await connection.newStream(ECHO, { maxOutboundStreams: MAX_STREAMS })
  stream.inactivityTimeout = 0
  const waiting = new Fifo<{ resolve(v: Uint8Array): void, reject(e: Error): void }>()
  const decode = frameDecoder()
  stream.addEventListener('message', (evt) => {
    for (const msg of decode(evt.data)) {
      waiting.shift()?.resolve(msg.subarray())
    }
  })
  stream.addEventListener('close', () => {
    for (let w = waiting.shift(); w != null; w = waiting.shift()) {
      w.reject(new Error('echo stream closed'))
    }
  })
  let drained: Promise<void> | undefined
  return async (payload) => {
    while (drained != null) {
      await drained
    }
    const reply = new Promise<Uint8Array>((resolve, reject) => { waiting.push({ resolve, reject }) })
    if (!stream.send(lengthPrefixed(payload))) {
      drained = stream.onDrain().finally(() => { drained = undefined })
    }
    return reply
  }
}

/** Opens a stream, sends one message and collects every reply until the remote closes. */
async function exchange (connection: Connection, protocol: string, data: Uint8Array, onMessage: (msg: Uint8Array) => boolean): Promise<void> {
  const stream = await connection.newStream(protocol, { maxOutboundStreams: MAX_STREAMS })
  const decode = frameDecoder()
  await new Promise<void>((resolve, reject) => {
    let done = false
    stream.addEventListener('message', (evt) => {
      for (const msg of decode(evt.data)) {
        if (!done && onMessage(msg.subarray())) {
          done = true
          resolve()
        }
      }
    })
    stream.addEventListener('remoteCloseWrite', () => {
      if (!done) {
        done = true
        resolve()
      }
    })
    stream.addEventListener('close', (evt) => {
      if (!done) {
        done = true
        evt.error != null ? reject(evt.error) : resolve()
      }
    })
    stream.send(lengthPrefixed(data))
  })
  await stream.close().catch(() => {})
}

function client (perStream: boolean) {
  return async (info: Record<string, unknown>, _options: ConnectOptions): Promise<BenchClient> => {
    const self = await node(false)
    const addrs = (info.addrs as string[]).map(a => multiaddr(a))
    const connections = await Promise.all(addrs.map(async a => self.dial(a)))
    const pools = await Promise.all(connections.map(async c => pooledEcho(c)))
    const perStreamEcho = async (payload: Uint8Array): Promise<Uint8Array> => {
      let out!: Uint8Array
      await exchange(connections[0], ECHO, payload, (msg) => { out = msg; return true })
      return out
    }
    return {
      call: perStream ? perStreamEcho : pools[0],
      stream: async (count, onChunk) => {
        await exchange(connections[0], GEN, encoder.encode(String(count)), (msg) => {
          onChunk(decoder.decode(msg))
          return false
        })
      },
      fanout: async (payload) => (await Promise.all(pools.map(async echo => echo(payload)))).length,
      close: async () => { await self.stop() }
    }
  }
}

export const libp2pPooled: BenchSystem = { serve, connect: client(false) }
export const libp2pPerStream: BenchSystem = { serve, connect: client(true) }
