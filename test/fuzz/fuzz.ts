/**
 * Shared pieces of the fuzz tests: how many inputs (FUZZ_RUNS; 10^5 per
 * decoder by default, `npm run fuzz` more), and input generators — random
 * bytes, mutations of valid encodings (flipped, cut, spliced, grown), and
 * length prefixes that claim far more than arrives.
 */
import fc from 'fast-check'

export const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000)
/** Inputs for properties that go over a real connection (much slower each) */
export const LIVE_RUNS = Math.max(1, Math.round(RUNS / 40))

/** One change to a byte string. */
type Mutation =
  | { op: 'flip', at: number, bit: number }
  | { op: 'set', at: number, value: number }
  | { op: 'cut', at: number }
  | { op: 'insert', at: number, bytes: Uint8Array }
  | { op: 'varint', at: number, value: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  // a length (or any varint) rewritten to something huge
  fc.record({ op: fc.constant('varint' as const), at: fc.nat(), value: fc.oneof(fc.integer({ min: 2 ** 20, max: 2 ** 31 - 1 }), fc.constant(2 ** 31 - 1)) })
)

function varint (value: number): number[] {
  const out: number[] = []
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80)
    value = Math.floor(value / 128)
  }
  out.push(value)
  return out
}

export function mutate (bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out = [...bytes]
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.op === 'insert' ? 1 : 0))
    switch (m.op) {
      case 'flip': if (out.length > 0) out[at] ^= 1 << m.bit; break
      case 'set': if (out.length > 0) out[at] = m.value; break
      case 'cut': out = out.slice(0, at); break
      case 'insert': out.splice(at, 0, ...m.bytes); break
      case 'varint': out.splice(at, 0, ...varint(m.value)); break
    }
  }
  return new Uint8Array(out)
}

/** Random bytes, or mutations of one of `valid`. */
export function bytesLike (valid: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([b, ms]) => mutate(b, ms)) }
  )
}

/** Runs `fn`; returns the thrown error's name, or undefined when it returned. */
export function thrownName (fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (err: any) {
    return err?.name ?? String(err)
  }
}

export async function rejectedName (fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn()
    return undefined
  } catch (err: any) {
    return err?.name ?? String(err)
  }
}
