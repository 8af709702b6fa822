/**
 * When a task of a job is a straggler: once a share of the job's tasks is
 * done, a task running longer than a multiple of the median task time gets
 * a backup attempt (the backup-task rule of MapReduce, Dean & Ghemawat,
 * OSDI 2004; the median as the yardstick as in LATE, Zaharia et al., OSDI
 * 2008).
 */
import { SPECULATION_DONE_FRACTION, SPECULATION_SLOW_FACTOR } from '../constants.ts'

export interface Running {
  startedAt: number
  backedUp: boolean
}

export class Speculation {
  private readonly total: number
  /** Durations of finished tasks, at most one per task */
  private readonly durations: number[] = []
  private median = 0
  private stale = false

  constructor (total: number) {
    this.total = total
  }

  /** A task finished after `ms`. */
  record (ms: number): void {
    if (this.durations.length < this.total) {
      this.durations.push(ms)
      this.stale = true
    }
  }

  /** Whether enough of the job is done for backups to start. */
  get active (): boolean {
    return this.durations.length > 0 && this.durations.length >= this.total * SPECULATION_DONE_FRACTION
  }

  /** Whether a task running since `startedAt` is past the slow factor of the median (once any task finished). */
  straggling (task: Running, now: number): boolean {
    return this.durations.length > 0 && now - task.startedAt > this.medianMs() * SPECULATION_SLOW_FACTOR
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

  private medianMs (): number {
    if (this.stale) {
      const sorted = [...this.durations].sort((a, b) => a - b)
      const mid = sorted.length >> 1
      this.median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
      this.stale = false
    }
    return this.median
  }
}
