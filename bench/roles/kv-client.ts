/**
 * Child process: the client side of the consensus case, against etcd (the
 * `etcd3` gRPC client) or a meshwork group (`node.consensus(name)`).
 * `node bench/roles/kv-client.ts etcd|meshwork JSON_TARGET VALUE_BYTES`
 *
 * Commands come on stdin, one JSON line each, and each is answered by an
 * `event` with the same `id`:
 * - `{ cmd: 'writes' | 'reads', clients, durationMs }`: closed-loop puts (or
 *   linearizable gets) from `clients` concurrent callers;
 * - `{ cmd: 'watch' }`: starts a stream of puts, one every few ms, and answers
 *   once the first is acknowledged; `{ cmd: 'killed', killAt }` then answers with
 *   the time from `killAt` (wall clock) until a put called after it was acknowledged.
 */
import { Etcd3 } from 'etcd3'
import { createMeshNode } from '../../node/index.ts'
import { childMain, onParentMessage, send } from '../lib/child.ts'
import { round, summarize } from '../lib/stats.ts'

/** A put of the failover stream gives up after this long */
const FAILOVER_PUT_TIMEOUT_MS = 3_000
/** The failover stream starts a put this often, with at most FAILOVER_IN_FLIGHT open */
const FAILOVER_PUT_EVERY_MS = 5
const FAILOVER_IN_FLIGHT = 64
/** Longest wait for a write after the kill before the run counts as failed */
const FAILOVER_GIVE_UP_MS = 20_000
const CALL_TIMEOUT_MS = 10_000

const wallMs = (): number => performance.timeOrigin + performance.now()

interface Adapter {
  put(key: string, value: string, timeoutMs: number): Promise<void>
  get(key: string, timeoutMs: number): Promise<void>
  close(): Promise<void>
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, ms) })])
  } finally {
    clearTimeout(timer)
  }
}

async function etcdAdapter (target: { endpoints: string[] }): Promise<Adapter> {
  const client = new Etcd3({ hosts: target.endpoints })
  return {
    put: async (key, value, ms) => { await withTimeout(client.put(key).value(value).exec(), ms) },
    // etcd's range requests are linearizable unless serializable is asked for
    get: async (key, ms) => { await withTimeout(client.get(key).string(), ms) },
    close: async () => { client.close() }
  }
}

async function meshworkAdapter (target: { bootstrap: string, group: string }): Promise<Adapter> {
  const node = await createMeshNode({ bootstrap: [target.bootstrap], webrtc: false })
  const group = await node.consensus(target.group)
  return {
    put: async (key, value, timeoutMs) => { await group.put(key, value, { timeoutMs }) },
    get: async (key, timeoutMs) => { await group.get(key, { consistency: 'linearizable', timeoutMs }) },
    close: async () => { await node.stop() }
  }
}

/** `clients` callers, each calling `op` one after another until the deadline. */
async function closedLoop (clients: number, durationMs: number, op: (client: number, n: number) => Promise<void>): Promise<Record<string, unknown>> {
  const latencies: number[] = []
  let errors = 0
  const start = performance.now()
  const end = start + durationMs
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    for (let n = 0; performance.now() < end; n++) {
      const t0 = performance.now()
      try {
        await op(client, n)
        latencies.push(performance.now() - t0)
      } catch {
        errors++
      }
    }
  }))
  const seconds = (performance.now() - start) / 1000
  return { clients, ops: latencies.length, errors, perSecond: round(latencies.length / seconds, 1), latency: summarize(latencies) }
}

/** A stream of puts; `after(t)` resolves with the first acknowledgement of a put called after `t`. */
function putStream (kv: Adapter, value: string): { first: Promise<void>, after(t: number): Promise<number>, stop(): void } {
  const acks: Array<{ callAt: number, ackAt: number }> = []
  const waiters: Array<() => void> = []
  let inFlight = 0
  let n = 0
  const timer = setInterval(() => {
    if (inFlight >= FAILOVER_IN_FLIGHT) return
    inFlight++
    const callAt = wallMs()
    kv.put(`failover/${n++ % 16}`, value, FAILOVER_PUT_TIMEOUT_MS).then(() => {
      acks.push({ callAt, ackAt: wallMs() })
      for (const w of waiters.splice(0)) w()
    }, () => {}).finally(() => { inFlight-- })
  }, FAILOVER_PUT_EVERY_MS)
  const until = async (test: () => number | undefined, ms: number): Promise<number> => {
    const deadline = wallMs() + ms
    for (;;) {
      const found = test()
      if (found != null) return found
      if (wallMs() > deadline) throw new Error(`no write acknowledged within ${ms} ms`)
      await new Promise<void>(resolve => { waiters.push(resolve); setTimeout(resolve, 50) })
    }
  }
  return {
    first: until(() => acks.length > 0 ? 0 : undefined, CALL_TIMEOUT_MS).then(() => {}),
    after: async (t) => until(() => acks.find(a => a.callAt > t)?.ackAt, FAILOVER_GIVE_UP_MS),
    stop: () => { clearInterval(timer) }
  }
}

childMain(async () => {
  const [system, targetJson, valueBytes] = process.argv.slice(2)
  const target = JSON.parse(targetJson)
  const value = 'v'.repeat(Number(valueBytes))
  const kv = system === 'etcd' ? await etcdAdapter(target) : await meshworkAdapter(target)
  // one key per caller, written before the reads
  await kv.put('read/0', value, CALL_TIMEOUT_MS)
  let stream: ReturnType<typeof putStream> | undefined
  onParentMessage((msg) => {
    const answer = async (): Promise<Record<string, unknown>> => {
      switch (msg.cmd) {
        case 'writes': return closedLoop(msg.clients, msg.durationMs, async (c, n) => { await kv.put(`w/${c}/${n % 64}`, value, CALL_TIMEOUT_MS) })
        case 'reads': return closedLoop(msg.clients, msg.durationMs, async () => { await kv.get('read/0', CALL_TIMEOUT_MS) })
        case 'watch': stream = putStream(kv, value); await stream.first; return { writing: true }
        case 'killed': {
          try {
            return { failoverMs: round((await stream!.after(msg.killAt)) - msg.killAt, 1) }
          } finally {
            stream?.stop()
          }
        }
        case 'close': await kv.close(); setTimeout(() => process.exit(0), 50); return {}
        default: throw new Error(`unknown command ${String(msg.cmd)}`)
      }
    }
    answer().then(result => { send({ type: 'event', id: msg.id, ...result }) }, (err: any) => {
      send({ type: 'event', id: msg.id, error: String(err?.message ?? err) })
    })
  })
  send({ type: 'ready' })
})
