/**
 * The results of a running map job, in the order they came in, for any
 * number of readers: each reader's iterator walks the same list and waits
 * at its end until more arrive or the job closes.
 */
import type { MapResult } from './map-types.ts'

export class MapResults<O> {
  private readonly list: Array<MapResult<O>> = []
  private waiters: Array<() => void> = []
  private closed = false
  private failure?: Error
  /** Called the first time a reader is done with a result (it asked for the next, or stopped) */
  private readonly onTaken: (index: number) => Promise<void>

  constructor (onTaken: (index: number) => Promise<void>) {
    this.onTaken = onTaken
  }

  /** Adds a result without waking the readers (a batch ends with `wake`) */
  add (result: MapResult<O>): void {
    this.list.push(result)
  }

  /** Adds a result and wakes the readers */
  push (result: MapResult<O>): void {
    this.list.push(result)
    this.wake()
  }

  /** No more results: readers end after the last one, with `err` if given */
  close (err?: Error): void {
    this.closed = true
    this.failure = err
    this.wake()
  }

  wake (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) {
      wake()
    }
  }

  iterator (): AsyncIterator<MapResult<O>> {
    let cursor = 0
    /** The result this iterator handed over last: taken once the reader asks for the next */
    let handed: number | undefined
    const ack = async (): Promise<void> => {
      if (handed != null) {
        const index = handed
        handed = undefined
        await this.onTaken(index)
      }
    }
    return {
      next: async (): Promise<IteratorResult<MapResult<O>>> => {
        await ack()
        while (true) {
          if (cursor < this.list.length) {
            const result = this.list[cursor++]
            handed = result.index
            return { done: false, value: result }
          }
          if (this.closed) {
            if (this.failure != null) {
              throw this.failure
            }
            return { done: true, value: undefined }
          }
          await new Promise<void>(resolve => { this.waiters.push(resolve) })
        }
      },
      return: async (): Promise<IteratorResult<MapResult<O>>> => {
        // the reader stopped after the last result it was handed: that one is taken
        await ack()
        return { done: true, value: undefined }
      }
    }
  }
}
