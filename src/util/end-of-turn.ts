/**
 * Runs `fn` once the I/O callbacks of this event-loop turn are done
 * (`setImmediate`); where the platform has no such thing (browsers), at the
 * end of the current microtask burst.
 */
export const atEndOfTurn: (fn: () => void) => void = typeof globalThis.setImmediate === 'function'
  ? (fn) => { setImmediate(fn) }
  : (fn) => { queueMicrotask(fn) }

/** Whether `atEndOfTurn` really waits for the end of the turn. */
export const hasEndOfTurn = typeof globalThis.setImmediate === 'function'
