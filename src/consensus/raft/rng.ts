/**
 * The randomness a Raft core uses (election timeout jitter), injected so a
 * seeded run replays exactly.
 */

/** A source of random integers. */
export interface Rng {
  /** An integer in [0, bound) */
  int(bound: number): number
}

/**
 * A small seeded generator (mulberry32): the same seed gives the same
 * sequence on every runtime.
 *
 * @example
 * ```ts
 * const rng = seededRng(42)
 * rng.int(10) // same value on every run
 * ```
 */
export function seededRng (seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    int: (bound: number): number => Math.floor(next() * bound)
  }
}
