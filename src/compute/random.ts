/**
 * A small seeded random source, so that a seed gives the same model and the
 * same shards on every runtime (Node, browsers, Web Workers).
 */

/** A seeded source of uniform floats in [0, 1). */
export interface Random {
  /** The next float in [0, 1) */
  next(): number
  /** The next float from the standard normal distribution */
  normal(): number
  /** An integer in [0, n) */
  below(n: number): number
}

/**
 * A sfc32-style generator seeded from a 32-bit integer (mixed by splitmix32
 * so nearby seeds give unrelated streams).
 *
 * @example
 * ```ts
 * const rng = seededRandom(42)
 * rng.next() // the same on every run
 * ```
 */
export function seededRandom (seed: number): Random {
  let s = seed >>> 0
  const mix = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = mix()
  let b = mix()
  let c = mix()
  let d = mix()
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t
  }
  const next = (): number => u32() / 4294967296
  return {
    next,
    normal () {
      // Box–Muller; 1 - next() keeps the logarithm finite
      const u = 1 - next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    below (n: number) {
      return Math.floor(next() * n)
    }
  }
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffle<T extends { length: number, [i: number]: any }> (items: T, rng: Random): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1)
    const tmp = items[i]
    items[i] = items[j]
    items[j] = tmp
  }
  return items
}
