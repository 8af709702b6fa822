/**
 * A quick run (`--quick`) is a smoke test of the harness: its figures are
 * checked for sanity, not kept. So its system runs go side by side, a few
 * at a time, where a full run measures one at a time on a quiet machine.
 */
import type { BenchContext } from './context.ts'

/** System runs a quick run keeps going at once */
export const QUICK_RUNS_AT_ONCE = 3

/**
 * Runs `run` on every item: one at a time in a full run, a few at once in a
 * quick one. Resolves with the results in the items' order; after a failure
 * no new run starts, the ones going finish, and the first error is thrown.
 */
export async function eachRun<T, R> (ctx: BenchContext, items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const lanes = ctx.quick ? QUICK_RUNS_AT_ONCE : 1
  const results: R[] = new Array(items.length)
  let next = 0
  let failure: { err: unknown } | undefined
  const lane = async (): Promise<void> => {
    while (next < items.length && failure == null) {
      const i = next++
      try {
        results[i] = await run(items[i])
      } catch (err) {
        failure ??= { err }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane))
  if (failure != null) {
    throw failure.err
  }
  return results
}
