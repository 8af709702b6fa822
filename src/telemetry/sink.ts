/**
 * The telemetry hook of the core: a sink that hears what a mesh node does
 * (tasks it runs, calls it makes, failovers, peer states) as plain figures,
 * with no peer ids. Nothing is attached unless the node is given a sink, so
 * a node without one pays nothing: its events have no listener and are not
 * even built. The Node entry's Prometheus metrics are one such sink.
 * (observe.ts subscribes a sink to a node.)
 */

/** How a task run by this peer's handler ended. */
export type TaskOutcome = 'ok' | 'error' | 'cancelled'

/** What a sink may read from the node when it samples. */
export interface TelemetrySources {
  /** Per service served here: tasks running and tasks queued */
  services(): Array<{ name: string, running: number, queued: number }>
  /** Peers in the table per state */
  peers(): Record<'alive' | 'suspect' | 'dead', number>
}

/** Receives a mesh node's figures; every method is optional. */
export interface TelemetrySink {
  /** Called once when the node starts, with what can be sampled */
  attach?(sources: TelemetrySources): void
  taskStarted?(service: string): void
  taskEnded?(service: string, outcome: TaskOutcome, seconds: number): void
  callEnded?(service: string, ok: boolean, seconds: number): void
  firstChunk?(service: string, seconds: number): void
  failover?(service: string, reason: string): void
}
