/**
 * Redis as a work queue: requesters LPUSH jobs onto a worker list, workers
 * BRPOP them (one blocked connection per concurrent job) and LPUSH replies
 * onto the requester's own reply list, which the requester drains with
 * BLMPOP (up to a batch per round trip).
 *
 * Job: kind (1 byte), seq (u32), reply-key length (1 byte), reply key, body.
 * Reply: seq (u32), body; an empty body ends a stream.
 */
import { createClient, RESP_TYPES } from 'redis'
import { tokens } from '../lib/payload.ts'
import type { BenchClient, BenchServer, BenchSystem, ConnectOptions, ServeOptions } from './types.ts'

const KIND_ECHO = 1
const KIND_GEN = 2
/** How long a blocked pop waits before looping (so close is prompt). */
const BLOCK_S = 1
/** Replies taken per BLMPOP round trip, at most. */
const REPLY_BATCH = 256
const TIMEOUT_MS = 10_000
const encoder = new TextEncoder()
const decoder = new TextDecoder()

type Client = any

async function open (url: string): Promise<Client> {
  const client = createClient({ url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
  client.on('error', () => {})
  await client.connect()
  return client
}

const jobsKey = (worker: number): string => `bench:jobs:${worker}`

function reply (seq: number, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + body.byteLength)
  out.writeUInt32BE(seq, 0)
  out.set(body, 4)
  return out
}

async function serve (options: ServeOptions): Promise<BenchServer> {
  const words = tokens().map(t => encoder.encode(t))
  const empty = new Uint8Array(0)
  let running = true
  const clients: Client[] = []
  const loops: Array<Promise<void>> = []
  for (let w = 0; w < options.workers; w++) {
    const writer = await open(options.redisUrl)
    clients.push(writer)
    for (let c = 0; c < options.concurrency; c++) {
      const reader = await open(options.redisUrl)
      clients.push(reader)
      loops.push((async () => {
        while (running) {
          let popped: [Buffer, Buffer] | null
          try {
            const r = await reader.brPop(jobsKey(w), BLOCK_S)
            popped = r == null ? null : [r.key, r.element]
          } catch {
            continue
          }
          if (popped == null) {
            continue
          }
          const job = popped[1]
          const kind = job[0]
          const seq = job.readUInt32BE(1)
          const keyLength = job[5]
          const replyKey = job.subarray(6, 6 + keyLength)
          const body = job.subarray(6 + keyLength)
          if (kind === KIND_ECHO) {
            await writer.lPush(replyKey, reply(seq, body))
          } else if (kind === KIND_GEN) {
            const count = Math.min(Number(decoder.decode(body)), words.length)
            for (let i = 0; i < count; i++) {
              void writer.lPush(replyKey, reply(seq, words[i]))
            }
            await writer.lPush(replyKey, reply(seq, empty))
          }
        }
      })())
    }
  }
  return {
    info: {},
    close: async () => {
      running = false
      await Promise.allSettled(loops)
      await Promise.allSettled(clients.map(async c => c.quit()))
    }
  }
}

interface Pending {
  onReply(body: Buffer): void
}

async function connectClient (_info: Record<string, unknown>, options: ConnectOptions): Promise<BenchClient> {
  const writer = await open(options.redisUrl)
  const reader = await open(options.redisUrl)
  const replyKey = Buffer.from(`bench:reply:${crypto.randomUUID().slice(0, 8)}`)
  const pending = new Map<number, Pending>()
  let seq = 0
  let running = true
  const readLoop = (async () => {
    while (running) {
      let popped: [Buffer, Buffer[]] | null
      try {
        popped = await reader.blmPop(BLOCK_S, replyKey, 'RIGHT', { COUNT: REPLY_BATCH })
      } catch {
        continue
      }
      if (popped == null) {
        continue
      }
      for (const item of popped[1]) {
        pending.get(item.readUInt32BE(0))?.onReply(item.subarray(4))
      }
    }
  })()

  const job = (kind: number, id: number, body: Uint8Array): Buffer => {
    const out = Buffer.allocUnsafe(6 + replyKey.byteLength + body.byteLength)
    out[0] = kind
    out.writeUInt32BE(id, 1)
    out[5] = replyKey.byteLength
    out.set(replyKey, 6)
    out.set(body, 6 + replyKey.byteLength)
    return out
  }
  const nextSeq = (): number => { seq = (seq + 1) >>> 0; return seq }

  /** Sends a job to each of `workers` and calls onReply per reply until `done` says so. */
  const ask = async (kind: number, body: Uint8Array, workers: number, onReply: (body: Buffer) => boolean): Promise<void> => {
    const id = nextSeq()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(id); reject(new Error('redis job timed out')) }, TIMEOUT_MS)
      pending.set(id, {
        onReply: (reply) => {
          if (onReply(reply)) {
            clearTimeout(timer)
            pending.delete(id)
            resolve()
          }
        }
      })
      const data = job(kind, id, body)
      for (let w = 0; w < workers; w++) {
        writer.lPush(jobsKey(w), data).catch(reject)
      }
    })
  }

  return {
    call: async (payload) => {
      let out!: Uint8Array
      await ask(KIND_ECHO, payload, 1, (body) => { out = body; return true })
      return out
    },
    stream: async (count, onChunk) => {
      await ask(KIND_GEN, encoder.encode(String(count)), 1, (body) => {
        if (body.byteLength === 0) {
          return true
        }
        onChunk(decoder.decode(body))
        return false
      })
    },
    fanout: async (payload) => {
      let replies = 0
      await ask(KIND_ECHO, payload, options.workers, () => ++replies === options.workers)
      return replies
    },
    close: async () => {
      running = false
      await readLoop
      await Promise.allSettled([writer.quit(), reader.quit()])
    }
  }
}

export const redis: BenchSystem = { serve, connect: connectClient }
