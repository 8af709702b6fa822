/**
 * The goals, checked as ratios from one run's results.
 */
import { cpuPerCall } from './table.ts'

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
const throughputAt = (r: any, inFlight: number): number | undefined => r?.throughput?.find((t: any) => t.inFlight === inFlight)?.perSecond
const throughput64 = (r: any): number | undefined => throughputAt(r, 64)
const UNARY_LOADS = [1, 16, 32, 64]

/** How long a mesh of `peers` took to converge, if it did (a mesh that did not misses the target). */
function convergeTarget (name: string, rows: any[] | undefined, peers: number, limitMs: number): Target {
  const row = at(rows, peers)
  const t = target(name, row?.converged === true ? row.convergeMs : undefined, '<=', limitMs, 'ms')
  if (row != null && row.converged !== true) {
    t.met = false
    t.note = row.error != null ? 'the mesh failed' : 'did not converge'
  }
  return t
}

/** Telemetry's cost against telemetry off, in percent: CPU per request added, throughput lost. */
function overheadTargets (o: any): Target[] {
  const pct = (ratio: number | undefined, sign: 1 | -1): number | undefined => ratio == null ? undefined : sign * (ratio - 1) * 100
  return [
    target('metrics on: CPU per request added (unary, 64 in flight)', pct(o?.metrics?.cpuRatio, 1), '<=', 3, '%'),
    target('metrics on: throughput lost (unary, 64 in flight)', pct(o?.metrics?.throughputRatio, -1), '<=', 3, '%'),
    target('traces exported, default sampling: CPU per request added', pct(o?.tracing?.cpuRatio, 1), '<=', 10, '%'),
    target('traces exported, default sampling: throughput lost', pct(o?.tracing?.throughputRatio, -1), '<=', 10, '%')
  ]
}

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
  const json = u['meshwork json']
  const natsJson = u['nats json']
  return [
    target('CPU per request, all processes, vs NATS (256 B)', ratio(cpuPerCall(mesh), cpuPerCall(u.nats)), '<=', 1),
    target('CPU per request, all processes, vs NATS (JSON)', ratio(cpuPerCall(json), cpuPerCall(natsJson)), '<=', 1),
    ...UNARY_LOADS.map(k => target(`unary throughput at ${k} in flight vs NATS (256 B)`, ratio(throughputAt(mesh, k), throughputAt(u.nats, k)), '>=', 1)),
    ...UNARY_LOADS.map(k => target(`unary throughput at ${k} in flight vs NATS (JSON)`, ratio(throughputAt(json, k), throughputAt(natsJson, k)), '>=', 1)),
    target('unary throughput at 64 in flight vs raw libp2p pooled stream', ratio(throughput64(mesh), throughput64(u['libp2p-pooled'])), '>=', 1),
    target('unary p50 one at a time vs raw libp2p long-lived stream', ratio(mesh?.latency?.p50Ms, u['libp2p-pooled']?.latency?.p50Ms), '<=', 1.2),
    target('fan-out to 10 workers and gather, p50 vs NATS requestMany', ratio(results.fanout?.meshwork?.latency?.p50Ms, results.fanout?.nats?.latency?.p50Ms), '<=', 1),
    target('broadcast claim to first byte, p50', results.claim?.broadcast?.p50Ms, '<=', 2, 'ms'),
    target('stream chunks/s (1,000-token reply)', results.streaming?.meshwork?.chunksPerSecond, '>=', 100_000, 'chunks/s'),
    target('stream time to first chunk, p50', results.streaming?.meshwork?.firstChunk?.p50Ms, '<=', 1, 'ms'),
    target('failover: SIGKILL to completion elsewhere, worst run', results.failover?.killToComplete?.maxMs, '<=', 250, 'ms'),
    scaleTarget('dispatch p50 at 100 peers vs 10 peers (one process)', scaleIn, r => r?.dispatch?.p50Ms, 1.5),
    scaleTarget('dispatch p50 at 100 peers vs 10 peers (multi-process)', scaleMulti, r => r?.dispatch?.p50Ms, 1.5),
    scaleTarget('idle presence + liveness CPU per peer, 100 vs 10 peers (one process)', scaleIn, r => r?.cpuPctPerPeer, 2),
    scaleTarget('idle presence + liveness CPU per peer, 100 vs 10 peers (multi-process)', scaleMulti, r => r?.cpuPctPerPeer, 2),
    convergeTarget('200 peers over 4 processes converge', scaleMulti, 200, 10_000),
    convergeTarget('500 peers in one process converge (within the case\'s wait)', scaleIn, 500, results.scale?.params?.convergeTimeoutMs ?? 45_000),
    target('browser bundle: meshwork over the libp2p stack (min+gzip)', results.bundle?.addedGzipBytes != null ? results.bundle.addedGzipBytes / 1000 : undefined, '<=', 40, 'KB'),
    target('idle installed worker RSS', results.idle?.compiled?.rssMB, '<=', 100, 'MB'),
    target('map throughput vs a request() loop, same concurrency', ratio(results.map?.throughput?.['meshwork map']?.perSecond, results.map?.throughput?.['meshwork request() loop']?.perSecond), '>=', 0.9),
    target('map throughput vs NATS queue group, same concurrency', ratio(results.map?.throughput?.['meshwork map']?.perSecond, results.map?.throughput?.['NATS queue group']?.perSecond), '>=', 1),
    target('map makespan with a 10x slow worker vs without it', results.map?.straggler?.['meshwork map']?.ratio, '<=', 1.1),
    ...overheadTargets(results.overhead),
    target('consensus writes/s at 64 clients vs etcd', ratio(consensusWrites64(results.consensus?.meshwork), consensusWrites64(results.consensus?.etcd)), '>=', 1),
    failoverTarget(results.consensus?.meshwork?.failover)
  ]
}
