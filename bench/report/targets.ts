/**
 * The goals, checked as ratios from one run's results.
 */

export interface Target {
  name: string
  /** The measured figure (a ratio or an absolute value) */
  value: number | null
  /** How it is compared: value <= limit or value >= limit */
  op: '<=' | '>='
  limit: number
  unit: string
  met: boolean | null
  /** Why the figure cannot count, when it cannot */
  note?: string
}

function target (name: string, value: number | null | undefined, op: '<=' | '>=', limit: number, unit = 'x'): Target {
  const v = value == null || !Number.isFinite(value) ? null : Math.round(value * 1000) / 1000
  return { name, value: v, op, limit, unit, met: v == null ? null : op === '<=' ? v <= limit : v >= limit }
}

const at = (rows: any[] | undefined, peers: number): any => rows?.find(r => r.peers === peers)

/** A scale comparison counts only between meshes that formed (every peer saw every other). */
function scaleTarget (name: string, rows: any[] | undefined, get: (row: any) => number | undefined, limit: number): Target {
  const small = at(rows, 10)
  const large = at(rows, 100)
  const t = target(name, get(large) != null && get(small) != null ? get(large)! / get(small)! : undefined, '<=', limit)
  const broken = [small, large].find(r => r == null || r.error != null || r.converged !== true)
  if (broken != null) {
    t.met = false
    t.note = broken?.error != null ? `the ${String(broken.peers)}-peer mesh failed` : `the ${String(broken?.peers ?? '?')}-peer mesh did not converge`
  }
  return t
}
const throughput64 = (r: any): number | undefined => r?.throughput?.find((t: any) => t.inFlight === 64)?.perSecond

const consensusWrites64 = (side: any): number | undefined => side?.writes?.find((w: any) => w.clients === 64)?.perSecond

/** A run where no write was acknowledged after the kill counts against the target. */
function failoverTarget (failover: any): Target {
  const t = target('consensus failover after SIGKILL of the leader, p99', failover?.p99Ms, '<=', 1500, 'ms')
  if ((failover?.failures?.length ?? 0) > 0) {
    t.met = false
    t.note = `${String(failover.failures.length)} of ${String(failover.runs)} runs never recovered`
  }
  return t
}

export function evaluate (results: Record<string, any>): Target[] {
  const u = results.unary ?? {}
  const mesh = u.meshwork
  const scaleIn = results.scale?.inProcess
  const scaleMulti = results.scale?.multiProcess
  const ratio = (a?: number, b?: number): number | undefined => a != null && b != null && b > 0 ? a / b : undefined
  return [
    target('unary throughput at 64 in flight vs NATS request/reply', ratio(throughput64(mesh), throughput64(u.nats)), '>=', 1),
    target('unary throughput at 64 in flight vs raw libp2p pooled stream', ratio(throughput64(mesh), throughput64(u['libp2p-pooled'])), '>=', 1),
    target('unary p50 one at a time vs raw libp2p long-lived stream', ratio(mesh?.latency?.p50Ms, u['libp2p-pooled']?.latency?.p50Ms), '<=', 1.2),
    target('stream chunks/s (1,000-token reply)', results.streaming?.meshwork?.chunksPerSecond, '>=', 100_000, 'chunks/s'),
    target('stream time to first chunk, p50', results.streaming?.meshwork?.firstChunk?.p50Ms, '<=', 1, 'ms'),
    target('failover: SIGKILL to completion elsewhere, worst run', results.failover?.killToComplete?.maxMs, '<=', 250, 'ms'),
    scaleTarget('dispatch p50 at 100 peers vs 10 peers (one process)', scaleIn, r => r?.dispatch?.p50Ms, 1.5),
    scaleTarget('dispatch p50 at 100 peers vs 10 peers (multi-process)', scaleMulti, r => r?.dispatch?.p50Ms, 1.5),
    scaleTarget('idle presence + liveness CPU per peer, 100 vs 10 peers (one process)', scaleIn, r => r?.cpuPctPerPeer, 2),
    scaleTarget('idle presence + liveness CPU per peer, 100 vs 10 peers (multi-process)', scaleMulti, r => r?.cpuPctPerPeer, 2),
    target('browser bundle: meshwork over the libp2p stack (min+gzip)', results.bundle?.addedGzipBytes != null ? results.bundle.addedGzipBytes / 1000 : undefined, '<=', 40, 'KB'),
    target('idle installed worker RSS', results.idle?.compiled?.rssMB, '<=', 100, 'MB'),
    target('consensus writes/s at 64 clients vs etcd', ratio(consensusWrites64(results.consensus?.meshwork), consensusWrites64(results.consensus?.etcd)), '>=', 1),
    failoverTarget(results.consensus?.meshwork?.failover)
  ]
}
