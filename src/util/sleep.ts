/**
 * Waits `ms` milliseconds, or rejects with the signal's reason as soon as
 * it aborts.
 *
 * @example
 * ```ts
 * await sleep(20, ctx.signal) // a model's pause between tokens
 * ```
 */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted()
  if (ms <= 0) {
    return
  }
  if (signal == null) {
    await new Promise<void>(resolve => { setTimeout(resolve, ms) })
    return
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
