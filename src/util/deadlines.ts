/**
 * One timer for the deadlines of many items (a requester's calls): armed
 * for the earliest deadline it was told of; when it fires it sweeps the
 * items, expires those due, and arms itself for the earliest of the rest.
 * An item costs one comparison when it starts and nothing when it ends
 * early (no `setTimeout` and `clearTimeout` per call, no entry to remove):
 * calls that finish in time leave the timer firing about once per timeout,
 * to find nothing due. The sweep visits every item, which the owner keeps
 * bounded (a node's calls in flight).
 *
 * The timer is unref'd: a deadline alone does not keep a process alive
 * (whatever the item waits for, a connection or a server, does).
 */

export interface DeadlinesInit<T> {
  /** The items that may be due (ended items need not be there) */
  items(): Iterable<T>
  /** An item's deadline, `Date.now()` milliseconds */
  deadlineOf(item: T): number
  /** Called once for each item whose deadline passed */
  expire(item: T): void
}

export class Deadlines<T> {
  private readonly init: DeadlinesInit<T>
  private timer?: ReturnType<typeof setTimeout>
  /** When the armed timer fires, Infinity when none is armed */
  private armedAt = Infinity

  constructor (init: DeadlinesInit<T>) {
    this.init = init
  }

  /** An item with deadline `at` was added: the timer fires by then. */
  watch (at: number): void {
    if (at < this.armedAt) {
      this.arm(at)
    }
  }

  /** Drops the timer. */
  clear (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.armedAt = Infinity
  }

  private arm (at: number): void {
    clearTimeout(this.timer)
    this.armedAt = at
    this.timer = setTimeout(this.sweep, Math.max(at - Date.now(), 0))
    this.timer.unref?.()
  }

  private readonly sweep = (): void => {
    this.timer = undefined
    this.armedAt = Infinity
    const now = Date.now()
    const { deadlineOf, expire } = this.init
    const due: T[] = []
    let next = Infinity
    for (const item of this.init.items()) {
      const at = deadlineOf(item)
      if (at <= now) {
        due.push(item)
      } else if (at < next) {
        next = at
      }
    }
    // expiring an item may change the collection: collect first
    for (const item of due) {
      expire(item)
    }
    if (next < this.armedAt) {
      this.arm(next)
    }
  }
}
