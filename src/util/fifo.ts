/**
 * A first-in first-out queue with O(1) push and shift, and removal of an
 * arbitrary item (rare: a cancelled task leaving the queue).
 *
 * @example
 * ```ts
 * const q = new Fifo<number>()
 * q.push(1); q.push(2)
 * q.shift() // 1
 * ```
 */
export class Fifo<T> {
  private items: Array<T | undefined> = []
  private head = 0

  get length (): number {
    return this.items.length - this.head
  }

  push (item: T): void {
    this.items.push(item)
  }

  /** The first item, left in place. */
  peek (): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined
  }

  shift (): T | undefined {
    if (this.head >= this.items.length) {
      return undefined
    }
    const item = this.items[this.head]
    this.items[this.head++] = undefined
    // compact once the dead prefix dominates, keeping push/shift amortised O(1)
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return item
  }

  remove (item: T): boolean {
    const i = this.items.indexOf(item, this.head)
    if (i === -1) {
      return false
    }
    this.items.splice(i, 1)
    return true
  }

  * [Symbol.iterator] (): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) {
      yield this.items[i] as T
    }
  }

  clear (): void {
    this.items = []
    this.head = 0
  }
}
