/**
 * Summaries of latency samples (milliseconds): percentiles by nearest rank.
 */

export interface LatencySummary {
  count: number
  p50Ms: number
  p99Ms: number
  meanMs: number
  maxMs: number
}

/** The value at percentile `p` (0..100) of sorted samples, by nearest rank. */
export function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN
  }
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)]
}

export function summarize (samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
    maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN)
  }
}

/** Rounds to 3 decimals (microsecond resolution for milliseconds). */
export function round (value: number, digits = 3): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function median (values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50)
}
