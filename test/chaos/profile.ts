/**
 * Sizes of the chaos runs: short ones for CI (`npm test`), the full ones
 * for `npm run chaos` (CHAOS_FULL=1).
 */
export const FULL = process.env.CHAOS_FULL === '1'

/** Picks the CI or the full value. */
export function size<T> (ci: T, full: T): T {
  return FULL ? full : ci
}
