/**
 * Watches streaming calls for a stall: no frame from the worker for the
 * call's `stallTimeoutMs` after its first chunk, while the reader keeps up.
 * One timer a call, re-armed from the call's last activity when it fires,
 * so a chunk costs nothing here and a stall is seen on time.
 */
import type { Call } from './call.ts'

export class StallWatch {
  private readonly timers = new Map<Call, ReturnType<typeof setTimeout>>()
  private readonly onStall: (call: Call) => void

  constructor (onStall: (call: Call) => void) {
    this.onStall = onStall
  }

  /** Starts watching `call`, if it is not watched already. */
  watch (call: Call): void {
    if (!this.timers.has(call)) {
      this.arm(call, call.init.stallTimeoutMs)
    }
  }

  /** Stops watching `call` (it ended, or its attempt moved). */
  unwatch (call: Call): void {
    clearTimeout(this.timers.get(call))
    this.timers.delete(call)
  }

  private arm (call: Call, delayMs: number): void {
    this.timers.set(call, setTimeout(() => { this.check(call) }, delayMs))
  }

  private check (call: Call): void {
    this.timers.delete(call)
    if (call.settled) {
      return
    }
    const quietMs = Date.now() - call.lastActivityAt
    const timeoutMs = call.init.stallTimeoutMs
    if (call.received.readerBehind || quietMs < timeoutMs) {
      // a reader that is behind holds the worker back: that is not a stall
      this.arm(call, call.received.readerBehind ? timeoutMs : timeoutMs - quietMs)
      return
    }
    this.onStall(call)
  }
}
