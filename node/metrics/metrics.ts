/**
 * Prometheus metrics of a mesh node, with prom-client: a telemetry sink
 * that keeps the `meshwork_*` figures in a registry of its own (so several
 * nodes in one process do not mix), which libp2p's own figures can share.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { RecentStats, STATS_SERVICE } from './stats.ts'
import type { PeerStats } from './stats.ts'
import type { TaskOutcome, TelemetrySink, TelemetrySources } from '../../src/telemetry/sink.ts'

/** Histogram buckets of durations, in seconds: 1 ms to 2 minutes. */
const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
/** Distinct failover reasons kept as label values; the rest count as `other`. */
export const MAX_FAILOVER_REASONS = 32
const PEER_STATES = ['alive', 'suspect', 'dead'] as const

/** The metrics of one node: its registry, and the sink the node feeds. */
export interface MeshMetrics {
  registry: Registry
  sink: TelemetrySink
  /** The registry in Prometheus text format */
  text(): Promise<string>
  /** Recent figures, for `meshwork top` */
  stats(): PeerStats
}

/** Builds the meshwork metrics in `registry` (a fresh one by default). */
export function createMeshMetrics (registry: Registry = new Registry()): MeshMetrics {
  let sources: TelemetrySources | undefined
  const registers = [registry]
  const tasks = new Counter({ name: 'meshwork_tasks_total', help: 'Tasks run by this peer\'s handlers, by outcome', labelNames: ['service', 'outcome'], registers })
  const taskSeconds = new Histogram({ name: 'meshwork_task_duration_seconds', help: 'Run time of this peer\'s handlers', labelNames: ['service'], buckets: DURATION_BUCKETS_SECONDS, registers })
  const calls = new Counter({ name: 'meshwork_calls_total', help: 'Calls made by this peer, by outcome', labelNames: ['service', 'outcome'], registers })
  const callSeconds = new Histogram({ name: 'meshwork_call_duration_seconds', help: 'Calls from their first dispatch to their outcome', labelNames: ['service'], buckets: DURATION_BUCKETS_SECONDS, registers })
  const firstChunk = new Histogram({ name: 'meshwork_time_to_first_chunk_seconds', help: 'Streams from their first dispatch to their first chunk', labelNames: ['service'], buckets: DURATION_BUCKETS_SECONDS, registers })
  const failovers = new Counter({ name: 'meshwork_failovers_total', help: 'Call attempts moved to another worker, by reason', labelNames: ['service', 'reason'], registers })
  const reasons = new Set<string>()
  const recent = new RecentStats()
  new Gauge({
    name: 'meshwork_tasks_in_flight',
    help: 'Tasks running in this peer\'s handlers',
    labelNames: ['service'],
    registers,
    collect () { for (const s of sources?.services() ?? []) this.set({ service: s.name }, s.running) }
  })
  new Gauge({
    name: 'meshwork_queue_depth',
    help: 'Tasks waiting for a free slot of this peer\'s handlers',
    labelNames: ['service'],
    registers,
    collect () { for (const s of sources?.services() ?? []) this.set({ service: s.name }, s.queued) }
  })
  new Gauge({
    name: 'meshwork_peers',
    help: 'Peers this peer knows, by state',
    labelNames: ['state'],
    registers,
    collect () {
      const counts = sources?.peers()
      for (const state of PEER_STATES) this.set({ state }, counts?.[state] ?? 0)
    }
  })
  const sink: TelemetrySink = {
    attach (s) { sources = s },
    taskEnded (service: string, outcome: TaskOutcome, seconds: number) {
      if (service === STATS_SERVICE) return
      recent.task(seconds)
      tasks.inc({ service, outcome })
      taskSeconds.observe({ service }, seconds)
    },
    callEnded (service, ok, seconds) {
      calls.inc({ service, outcome: ok ? 'ok' : 'error' })
      callSeconds.observe({ service }, seconds)
    },
    firstChunk (service, seconds) { firstChunk.observe({ service }, seconds) },
    failover (service, reason) {
      recent.failover()
      if (!reasons.has(reason) && reasons.size < MAX_FAILOVER_REASONS) reasons.add(reason)
      failovers.inc({ service, reason: reasons.has(reason) ? reason : 'other' })
    }
  }
  return { registry, sink, text: async () => registry.metrics(), stats: () => recent.read() }
}
