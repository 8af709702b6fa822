/**
 * Splits one large batch into parts spread over the live workers of a
 * model, asks for the parts concurrently (each an ordinary request, with
 * its failover), and puts the results back in input order. The first
 * part to fail fails the whole and cancels the rest.
 *
 * @example
 * ```ts
 * const vectors = await inParts(texts, { workers: peerIds, maxPartItems: 64, maxInFlight: 16 },
 *   async (part, preferPeer, signal) => embed(part, { preferPeer, signal }))
 * ```
 */

export interface PartsOptions {
  /** The workers to spread the parts over: part `i` prefers `workers[i % n]` */
  workers: string[]
  /** Items in one part at most */
  maxPartItems: number
  /** Parts asked for at once at most */
  maxInFlight: number
  signal?: AbortSignal
}

/** Asks for one part; resolves with one result an item, in order. */
export type AskPart<T, R> = (part: T[], preferPeer: string | undefined, signal: AbortSignal) => Promise<R[]>

/** The results of every item, in input order. */
export async function inParts<T, R> (items: T[], options: PartsOptions, ask: AskPart<T, R>): Promise<R[]> {
  const spread = Math.max(1, options.workers.length)
  const size = Math.max(1, Math.min(options.maxPartItems, Math.ceil(items.length / spread)))
  const starts: number[] = []
  for (let start = 0; start < items.length; start += size) {
    starts.push(start)
  }
  const results = new Array<R>(items.length)
  const failed = new AbortController()
  const signal = options.signal != null ? AbortSignal.any([options.signal, failed.signal]) : failed.signal
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < starts.length && !signal.aborted) {
      const part = next++
      const start = starts[part]
      const slice = items.slice(start, start + size)
      const got = await ask(slice, options.workers[part % spread], signal)
      for (let i = 0; i < slice.length; i++) {
        results[start + i] = got[i]
      }
    }
  }
  const lanes = Array.from({ length: Math.min(options.maxInFlight, starts.length) }, async () => {
    try {
      await lane()
    } catch (err) {
      failed.abort(err)
      throw err
    }
  })
  // the first failure is the answer; the others follow from the abort
  const settled = await Promise.allSettled(lanes)
  const failure = settled.find(s => s.status === 'rejected')
  if (failure != null) {
    throw failed.signal.reason ?? (failure as PromiseRejectedResult).reason
  }
  signal.throwIfAborted()
  return results
}
