/**
 * An abort flag whose `AbortSignal` is made only when someone asks for it.
 * Most handlers never look at their signal, and an `AbortController` per
 * task (a signal, an event target) costs more than the rest of a small
 * task's bookkeeping; the runtime itself only needs the flag.
 */
export class LazyAbort {
  private controller?: AbortController
  private abortedWith?: unknown
  private isAborted = false

  get aborted (): boolean {
    return this.isAborted
  }

  /** Why it was aborted, once it was. */
  get reason (): unknown {
    return this.abortedWith
  }

  /** The signal, made on first use (already aborted if the abort came first). */
  get signal (): AbortSignal {
    if (this.controller == null) {
      this.controller = new AbortController()
      if (this.isAborted) {
        this.controller.abort(this.abortedWith)
      }
    }
    return this.controller.signal
  }

  /** Aborts once; later calls do nothing, as with an AbortController. */
  abort (reason?: unknown): void {
    if (this.isAborted) {
      return
    }
    this.isAborted = true
    this.abortedWith = reason
    this.controller?.abort(reason)
  }
}
