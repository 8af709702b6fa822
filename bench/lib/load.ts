/**
 * Closed-loop load: the same methodology for every system. Latency is
 * measured one call at a time; throughput with `inFlight` callers each
 * issuing its next call as soon as the previous one returns. Every loop is
 * bounded by a call count and a duration.
 */
import { summarize } from './stats.ts'
import type { LatencySummary } from './stats.ts'

export interface LatencyOptions {
  /** Calls before the timed ones (bounded by `maxDurationMs` too) */
  warmup: number
  count: number
  /** Stops early after this long, whatever the count */
  maxDurationMs: number
}

export interface ThroughputOptions {
  inFlight: number
  durationMs: number
  /** Stops early after this many calls */
  maxCalls: number
}

export interface ThroughputResult {
  inFlight: number
  completed: number
  errors: number
  elapsedMs: number
  perSecond: number
}

/** Runs `call` one at a time and summarises how long each took. */
export async function measureLatency (call: () => Promise<unknown>, options: LatencyOptions): Promise<LatencySummary & { errors: number }> {
  let errors = 0
  const warmupEnd = performance.now() + options.maxDurationMs
  for (let i = 0; i < options.warmup && performance.now() < warmupEnd; i++) {
    await call()
  }
  const samples: number[] = []
  const end = performance.now() + options.maxDurationMs
  for (let i = 0; i < options.count && performance.now() < end; i++) {
    const t0 = performance.now()
    try {
      await call()
      samples.push(performance.now() - t0)
    } catch {
      errors++
    }
  }
  return { ...summarize(samples), errors }
}

/** Runs `inFlight` callers in parallel for a fixed time and counts completions. */
export async function measureThroughput (call: () => Promise<unknown>, options: ThroughputOptions): Promise<ThroughputResult> {
  let completed = 0
  let errors = 0
  let started = 0
  const t0 = performance.now()
  const end = t0 + options.durationMs
  const loop = async (): Promise<void> => {
    while (performance.now() < end && started < options.maxCalls) {
      started++
      try {
        await call()
        completed++
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: options.inFlight }, loop))
  const elapsedMs = performance.now() - t0
  return {
    inFlight: options.inFlight,
    completed,
    errors,
    elapsedMs: Math.round(elapsedMs),
    perSecond: Math.round(completed / (elapsedMs / 1000))
  }
}
