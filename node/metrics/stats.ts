/**
 * Recent figures of one peer for `meshwork top`: tasks per second, p50 and
 * p99 of handler run time over the last tasks, and failovers, kept in a
 * bounded ring. A peer keeping metrics answers them as the built-in
 * service `meshwork.stats`.
 */

/** The service a peer with metrics answers its recent figures on. */
export const STATS_SERVICE = 'meshwork.stats'
/** Task run times kept for the percentiles. */
export const MAX_RECENT_TASKS = 4096
/** Tasks per second are counted over this window. */
export const RATE_WINDOW_MS = 10_000

/** A peer's recent figures. */
export interface PeerStats {
  tasksPerSecond: number
  /** Handler run time percentiles over the recent tasks, in ms; null before any */
  p50Ms: number | null
  p99Ms: number | null
  /** Calls of this peer moved to another worker, since it started */
  failovers: number
  /** Tasks its handlers ran, since it started */
  tasks: number
}

export class RecentStats {
  private readonly ends: number[] = []
  private readonly runMs: number[] = []
  private next = 0
  private tasks = 0
  private failovers = 0

  task (seconds: number, now = Date.now()): void {
    this.tasks++
    if (this.ends.length < MAX_RECENT_TASKS) {
      this.ends.push(now)
      this.runMs.push(seconds * 1000)
      return
    }
    this.ends[this.next] = now
    this.runMs[this.next] = seconds * 1000
    this.next = (this.next + 1) % MAX_RECENT_TASKS
  }

  failover (): void {
    this.failovers++
  }

  read (now = Date.now()): PeerStats {
    const sorted = [...this.runMs].sort((a, b) => a - b)
    const at = (p: number): number | null => sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
    const recent = this.ends.filter(t => now - t <= RATE_WINDOW_MS).length
    return { tasksPerSecond: recent / (RATE_WINDOW_MS / 1000), p50Ms: at(0.5), p99Ms: at(0.99), failovers: this.failovers, tasks: this.tasks }
  }
}
