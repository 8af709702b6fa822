/**
 * One timer for many deadlines: entries in a binary min-heap by time, and a
 * single timer armed for the earliest. A call's deadline costs a heap
 * insert and a removal, not a timer of its own (a `setTimeout` and a
 * `clearTimeout` per call). Removing the earliest entry does not re-arm
 * the timer: it fires at the old time, finds nothing due, and arms itself
 * for the new earliest, so a steady stream of calls that finish in time
 * arms about one timer per timeout, not one per call.
 *
 * The timer is unref'd: a deadline alone does not keep a process alive
 * (whatever the deadline waits for, a connection or a server, does).
 */

/** A deadline in a {@link Deadlines} queue; pass it to `remove`. */
export interface Deadline {
  /** When it fires, `Date.now()` milliseconds */
  readonly at: number
  /** Its place in the heap, -1 once fired or removed */
  index: number
  readonly fire: () => void
}

export class Deadlines {
  private readonly heap: Deadline[] = []
  private timer?: ReturnType<typeof setTimeout>
  /** When the armed timer fires, Infinity when none is armed */
  private armedAt = Infinity

  /** Deadlines waiting. */
  get size (): number {
    return this.heap.length
  }

  /** Calls `fire` at `at` (`Date.now()` milliseconds), unless removed first. */
  add (at: number, fire: () => void): Deadline {
    const entry: Deadline = { at, fire, index: this.heap.length }
    this.heap.push(entry)
    this.up(entry.index)
    if (at < this.armedAt) {
      this.arm(at)
    }
    return entry
  }

  /** Drops `entry` if it has not fired yet. */
  remove (entry: Deadline): void {
    const i = entry.index
    if (i < 0 || this.heap[i] !== entry) {
      return
    }
    entry.index = -1
    const last = this.heap.pop()!
    if (i < this.heap.length) {
      this.place(i, last)
      this.down(i)
      this.up(last.index)
    }
  }

  /** Drops every deadline and the timer. */
  clear (): void {
    for (const entry of this.heap) {
      entry.index = -1
    }
    this.heap.length = 0
    clearTimeout(this.timer)
    this.timer = undefined
    this.armedAt = Infinity
  }

  private arm (at: number): void {
    clearTimeout(this.timer)
    this.armedAt = at
    this.timer = setTimeout(this.expire, Math.max(at - Date.now(), 0))
    this.timer.unref?.()
  }

  private readonly expire = (): void => {
    this.timer = undefined
    this.armedAt = Infinity
    const now = Date.now()
    const { heap } = this
    while (heap.length > 0 && heap[0].at <= now) {
      const entry = heap[0]
      this.remove(entry)
      entry.fire()
    }
    if (heap.length > 0 && heap[0].at < this.armedAt) {
      this.arm(heap[0].at)
    }
  }

  private up (i: number): void {
    const { heap } = this
    const entry = heap[i]
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent].at <= entry.at) {
        break
      }
      this.place(i, heap[parent])
      i = parent
    }
    this.place(i, entry)
  }

  private down (i: number): void {
    const { heap } = this
    const entry = heap[i]
    const n = heap.length
    while (true) {
      const left = 2 * i + 1
      if (left >= n) {
        break
      }
      const right = left + 1
      const child = right < n && heap[right].at < heap[left].at ? right : left
      if (heap[child].at >= entry.at) {
        break
      }
      this.place(i, heap[child])
      i = child
    }
    this.place(i, entry)
  }

  private place (i: number, entry: Deadline): void {
    this.heap[i] = entry
    entry.index = i
  }
}
