/**
 * How a per-peer cost grows with the mesh: the exponent b of y = a * N^b
 * fitted (least squares on logs) over the measured sizes, and what that
 * projects for a larger mesh.
 */
import { round } from '../lib/stats.ts'

export interface Growth {
  metric: string
  /** y ~ N^exponent */
  exponent: number
  /** The figure at the largest measured size */
  atLargest: number
  largest: number
  /** Projected to `projectTo` peers along the fitted curve */
  projected: number
  projectTo: number
}

export function fitExponent (points: Array<[number, number]>): number {
  const usable = points.filter(([n, y]) => n > 0 && y > 0)
  if (usable.length < 2) {
    return Number.NaN
  }
  const xs = usable.map(([n]) => Math.log(n))
  const ys = usable.map(([, y]) => Math.log(y))
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length
  const my = ys.reduce((a, b) => a + b, 0) / ys.length
  let num = 0
  let den = 0
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? Number.NaN : num / den
}

const METRICS: Array<[string, (row: any) => number]> = [
  ['convergeMs', r => r.convergeMs],
  ['dispatchP50Ms', r => r.dispatch?.p50Ms],
  ['cpuPctPerPeer', r => r.cpuPctPerPeer],
  ['rssMBPerPeer', r => r.rssMBPerPeer],
  ['bytesPerPeerPerSecond', r => r.bytesPerPeerPerSecond],
  ['presenceMessagesPerPeerPerSecond', r => r.presenceMessagesPerPeerPerSecond]
]

export function growth (all: any[], projectTo = 10_000): Growth[] {
  // a mesh that failed or did not converge says nothing about steady-state cost
  const rows = (all ?? []).filter(r => r.error == null && r.converged === true)
  if (rows.length < 2) {
    return []
  }
  const largest = rows.reduce((a, r) => r.peers > a.peers ? r : a, rows[0])
  return METRICS.map(([metric, get]) => {
    const exponent = fitExponent(rows.map(r => [r.peers, get(r)]))
    const atLargest = get(largest)
    return {
      metric,
      exponent: round(exponent, 2),
      atLargest,
      largest: largest.peers,
      projected: round(atLargest * (projectTo / largest.peers) ** exponent, 3),
      projectTo
    }
  })
}
