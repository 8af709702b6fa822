/**
 * Prometheus metrics of a mesh node: a telemetry sink that keeps the
 * `meshwork_*` figures in a prom-client registry of its own (so several
 * nodes in one process do not mix), which libp2p's own figures can share.
 * The figures of each service are bound once, on its first task or call,
 * so the sink's calls allocate nothing.
 */
import { Gauge, Registry } from 'prom-client'
import { FigureCounter, FigureHistogram, OTHER_LABEL } from './figures.ts'
import { RecentStats, STATS_SERVICE } from './stats.ts'
import type { CounterRecord, HistogramRecord } from './figures.ts'
import type { PeerStats } from './stats.ts'
import type { TaskOutcome, TelemetrySink, TelemetrySources } from '../../src/telemetry/sink.ts'

/** Histogram buckets of durations, in seconds: 1 ms to 2 minutes. */
export const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const
/** Services kept as label values; the rest count as `other`. */
export const MAX_SERVICES = 256
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

/** The figures of one service, bound once. */
interface ServiceFigures {
  /** The service's label value (`other` past the bound) */
  label: string
  tasks: Record<TaskOutcome, CounterRecord>
  taskSeconds: HistogramRecord
  calls: { ok: CounterRecord, error: CounterRecord }
  callSeconds: HistogramRecord
  firstChunk: HistogramRecord
  failovers: Map<string, CounterRecord>
}

/** Builds the meshwork metrics in `registry` (a fresh one by default). */
export function createMeshMetrics (registry: Registry = new Registry()): MeshMetrics {
  let sources: TelemetrySources | undefined
  const registers = [registry]
  const tasks = new FigureCounter(registry, 'meshwork_tasks_total', 'Tasks run by this peer\'s handlers, by outcome', ['service', 'outcome'])
  const taskSeconds = new FigureHistogram(registry, 'meshwork_task_duration_seconds', 'Run time of this peer\'s handlers', ['service'], DURATION_BUCKETS_SECONDS)
  const calls = new FigureCounter(registry, 'meshwork_calls_total', 'Calls made by this peer, by outcome', ['service', 'outcome'])
  const callSeconds = new FigureHistogram(registry, 'meshwork_call_duration_seconds', 'Calls from their first dispatch to their outcome', ['service'], DURATION_BUCKETS_SECONDS)
  const firstChunk = new FigureHistogram(registry, 'meshwork_time_to_first_chunk_seconds', 'Streams from their first dispatch to their first chunk', ['service'], DURATION_BUCKETS_SECONDS)
  const failovers = new FigureCounter(registry, 'meshwork_failovers_total', 'Call attempts moved to another worker, by reason', ['service', 'reason'])
  const reasons = new Set<string>()
  const recent = new RecentStats()
  const services = new Map<string, ServiceFigures>()

  const of = (name: string): ServiceFigures => {
    let f = services.get(name)
    if (f == null) {
      const service = services.size < MAX_SERVICES ? name : OTHER_LABEL
      f = services.get(service) ?? {
        label: service,
        tasks: { ok: tasks.child([service, 'ok']), error: tasks.child([service, 'error']), cancelled: tasks.child([service, 'cancelled']) },
        taskSeconds: taskSeconds.child([service]),
        calls: { ok: calls.child([service, 'ok']), error: calls.child([service, 'error']) },
        callSeconds: callSeconds.child([service]),
        firstChunk: firstChunk.child([service]),
        failovers: new Map()
      }
      services.set(service, f)
    }
    return f
  }

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
      const f = of(service)
      f.tasks[outcome].value++
      f.taskSeconds.observe(seconds)
    },
    callEnded (service, ok, seconds) {
      const f = of(service)
      f.calls[ok ? 'ok' : 'error'].value++
      f.callSeconds.observe(seconds)
    },
    firstChunk (service, seconds) { of(service).firstChunk.observe(seconds) },
    failover (service, reason) {
      recent.failover()
      if (!reasons.has(reason) && reasons.size < MAX_FAILOVER_REASONS) reasons.add(reason)
      const label = reasons.has(reason) ? reason : OTHER_LABEL
      const f = of(service)
      let counter = f.failovers.get(label)
      if (counter == null) {
        counter = failovers.child([f.label, label])
        f.failovers.set(label, counter)
      }
      counter.value++
    }
  }
  return { registry, sink, text: async () => registry.metrics(), stats: () => recent.read() }
}
