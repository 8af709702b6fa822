/**
 * Waits for `promise`, or rejects with AbortError as soon as `signal`
 * aborts (the work behind the promise may still finish; its outcome is then
 * ignored).
 *
 * @example
 * ```ts
 * await abortable(pubsub.publish(topic, bytes), options.signal)
 * ```
 */
import { AbortError } from '../errors.ts'

export async function abortable<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) {
    return promise
  }
  if (signal.aborted) {
    promise.catch(() => {})
    throw new AbortError('the operation was aborted')
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => {})
      reject(new AbortError('the operation was aborted'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}
