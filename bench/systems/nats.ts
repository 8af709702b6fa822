/**
 * NATS request/reply through nats-server: workers subscribe to a subject
 * and respond; a stream is a run of messages to the requester's inbox
 * ended by an empty one; fan-out is `requestMany` counting replies.
 */
import { connect, createInbox, RequestStrategy } from 'nats'
import { tokens } from '../lib/payload.ts'
import type { BenchClient, BenchServer, BenchSystem, ConnectOptions, ServeOptions } from './types.ts'

const ECHO = 'bench.echo'
const ECHO_JSON = 'bench.echo.json'
const GEN = 'bench.gen'
const TIMEOUT_MS = 10_000
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const EMPTY = new Uint8Array(0)

async function serve (options: ServeOptions): Promise<BenchServer> {
  const words = tokens().map(t => encoder.encode(t))
  const connections = await Promise.all(Array.from({ length: options.workers }, async () => connect({ servers: options.natsUrl })))
  for (const nc of connections) {
    nc.subscribe(ECHO, { callback: (_err, msg) => { msg.respond(msg.data) } })
    // a NATS user's JSON responder: decode and parse, stringify and encode the reply
    nc.subscribe(ECHO_JSON, { callback: (_err, msg) => { msg.respond(encoder.encode(JSON.stringify(JSON.parse(decoder.decode(msg.data))))) } })
    nc.subscribe(GEN, {
      callback: (_err, msg) => {
        const count = Math.min(Number(decoder.decode(msg.data)), words.length)
        for (let i = 0; i < count; i++) {
          nc.publish(msg.reply!, words[i])
        }
        nc.publish(msg.reply!, EMPTY)
      }
    })
  }
  await Promise.all(connections.map(async nc => { await nc.flush() }))
  return {
    info: {},
    close: async () => { await Promise.all(connections.map(async nc => { await nc.drain() })) }
  }
}

async function connectClient (_info: Record<string, unknown>, options: ConnectOptions): Promise<BenchClient> {
  const nc = await connect({ servers: options.natsUrl })
  return {
    call: async (payload) => (await nc.request(ECHO, payload, { timeout: TIMEOUT_MS })).data,
    callJson: async (value) => JSON.parse(decoder.decode((await nc.request(ECHO_JSON, encoder.encode(JSON.stringify(value)), { timeout: TIMEOUT_MS })).data)),
    stream: async (count, onChunk) => {
      const inbox = createInbox()
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { sub.unsubscribe(); reject(new Error('stream timed out')) }, TIMEOUT_MS)
        const sub = nc.subscribe(inbox, {
          callback: (_err, msg) => {
            if (msg.data.byteLength === 0) {
              clearTimeout(timer)
              sub.unsubscribe()
              resolve()
              return
            }
            onChunk(decoder.decode(msg.data))
          }
        })
        nc.publish(GEN, encoder.encode(String(count)), { reply: inbox })
      })
    },
    fanout: async (payload) => {
      let replies = 0
      const it = await nc.requestMany(ECHO, payload, { strategy: RequestStrategy.Count, maxMessages: options.workers, maxWait: TIMEOUT_MS })
      for await (const _msg of it) {
        replies++
      }
      return replies
    },
    close: async () => { await nc.close() }
  }
}

export const nats: BenchSystem = { serve, connect: connectClient }
