/** Small statistics for chaos summaries. */

/** The `p` quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function percentile (values: number[], p: number): number {
  if (values.length === 0) {
    return NaN
  }
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]
}
