/**
 * The requester-side measurements of the unary, streaming and fan-out
 * cases, identical for every system.
 */
import { measureLatency, measureThroughput } from '../lib/load.ts'
import { checkEcho, checkJsonEcho, jsonPayload, payload } from '../lib/payload.ts'
import { median, round, summarize } from '../lib/stats.ts'
import type { BenchClient } from '../systems/types.ts'

export interface UnaryParams {
  warmup: number
  count: number
  maxDurationMs: number
  inFlight: number[]
  throughputMs: number
  maxCalls: number
  /** Send a JSON value (about 256 B serialised) instead of 256 raw bytes */
  json?: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** One call of the unary job: 256 bytes, or a JSON value, echoed and checked. */
function unaryCall (client: BenchClient, json: boolean): () => Promise<void> {
  if (!json) {
    const data = payload()
    return async () => { checkEcho(data, await client.call(data)) }
  }
  const value = jsonPayload()
  const callJson = client.callJson != null
    ? client.callJson.bind(client)
    : async (v: unknown) => JSON.parse(decoder.decode(await client.call(encoder.encode(JSON.stringify(v)))))
  return async () => { checkJsonEcho(value, await callJson(value)) }
}

export async function unary (client: BenchClient, p: UnaryParams): Promise<Record<string, unknown>> {
  const once = unaryCall(client, p.json === true)
  let calls = 0
  const call = async (): Promise<void> => {
    calls++
    await once()
  }
  const latency = await measureLatency(call, { warmup: p.warmup, count: p.count, maxDurationMs: p.maxDurationMs })
  const throughput = []
  for (const inFlight of p.inFlight) {
    // a short warm-up at this concurrency (pools, buffers), then the timed run
    await measureThroughput(call, { inFlight, durationMs: Math.min(p.throughputMs / 4, 500), maxCalls: p.maxCalls / 4 })
    throughput.push(await measureThroughput(call, { inFlight, durationMs: p.throughputMs, maxCalls: p.maxCalls }))
  }
  return { latency, throughput, calls }
}

export interface StreamParams {
  runs: number
  tokens: number
  warmup: number
}

export async function stream (client: BenchClient, p: StreamParams): Promise<Record<string, unknown>> {
  const firstChunkMs: number[] = []
  const chunksPerSecond: number[] = []
  let errors = 0
  for (let run = -p.warmup; run < p.runs; run++) {
    let received = 0
    let first = 0
    const t0 = performance.now()
    try {
      await client.stream(p.tokens, () => {
        if (received++ === 0) {
          first = performance.now()
        }
      })
    } catch {
      errors++
      continue
    }
    const elapsed = performance.now() - t0
    if (received !== p.tokens) {
      errors++
      continue
    }
    if (run >= 0) {
      firstChunkMs.push(first - t0)
      chunksPerSecond.push(received / (elapsed / 1000))
    }
  }
  return {
    tokens: p.tokens,
    completed: firstChunkMs.length,
    errors,
    firstChunk: summarize(firstChunkMs),
    chunksPerSecond: Math.round(median(chunksPerSecond)),
    bestChunksPerSecond: Math.round(Math.max(...chunksPerSecond))
  }
}

export interface FanoutParams {
  warmup: number
  count: number
  workers: number
  maxDurationMs: number
}

export async function fanout (client: BenchClient, p: FanoutParams): Promise<Record<string, unknown>> {
  const data = payload()
  let incomplete = 0
  const gather = async (): Promise<void> => {
    const replies = await client.fanout(data)
    if (replies !== p.workers) {
      incomplete++
      throw new Error(`${replies} of ${p.workers} replies`)
    }
  }
  const latency = await measureLatency(gather, { warmup: p.warmup, count: p.count, maxDurationMs: p.maxDurationMs })
  // `calls` counts gathers (warm-up included), for CPU per gather
  return { workers: p.workers, latency, incomplete, gathersPerSecond: round(1000 / latency.meanMs, 1), calls: p.warmup + latency.count + latency.errors }
}
