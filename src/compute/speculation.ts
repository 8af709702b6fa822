/**
 * When a task of a job is a straggler: once a share of the job's tasks is
 * done, a task running longer than a multiple of the median task time gets
 * a backup attempt (the backup-task rule of MapReduce, Dean & Ghemawat,
 * OSDI 2004; the median as the yardstick as in LATE, Zaharia et al., OSDI
 * 2008). A task must also run SPECULATION_MIN_EXTRA_MS past the median, so
 * jobs of tiny tasks are not backed up over noise.
 */
import { SPECULATION_CHECK_MS, SPECULATION_DONE_FRACTION, SPECULATION_MIN_EXTRA_MS, SPECULATION_SLOW_FACTOR } from '../constants.ts'

export interface Running {
  startedAt: number
  backedUp: boolean
}

export class Speculation {
  private readonly total: number
  /** Durations of finished tasks, at most one per task (typed: sorted natively, numerically) */
  private readonly durations: Float64Array
  private count = 0
  private median = 0
  private stale = false
  /** When the median was last sorted out: at most once a check period (every answer asks) */
  private computedAt = -Infinity

  constructor (total: number) {
    this.total = total
    this.durations = new Float64Array(total)
  }

  /** A task finished after `ms`. */
  record (ms: number): void {
    if (this.count < this.total) {
      this.durations[this.count++] = ms
      this.stale = true
    }
  }

  /** Whether enough of the job is done for backups to start. */
  get active (): boolean {
    return this.count > 0 && this.count >= this.total * SPECULATION_DONE_FRACTION
  }

  /** Whether a task running since `startedAt` is past the slow factor of the median, and the floor over it (once any task finished). */
  straggling (task: Running, now: number): boolean {
    if (this.count === 0) {
      return false
    }
    const median = this.medianMs(now)
    return now - task.startedAt > Math.max(median * SPECULATION_SLOW_FACTOR, median + SPECULATION_MIN_EXTRA_MS)
  }

  /** The running tasks that should get a backup now. */
  due<T extends Running> (running: Iterable<T>, now: number): T[] {
    if (!this.active) {
      return []
    }
    const out: T[] = []
    for (const task of running) {
      if (!task.backedUp && this.straggling(task, now)) {
        out.push(task)
      }
    }
    return out
  }

  private medianMs (now: number): number {
    if (this.stale && now - this.computedAt >= SPECULATION_CHECK_MS) {
      this.computedAt = now
      const sorted = this.durations.slice(0, this.count).sort()
      const mid = this.count >> 1
      this.median = this.count % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
      this.stale = false
    }
    return this.median
  }
}
