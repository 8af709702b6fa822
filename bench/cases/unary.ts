/**
 * Case 1: unary request/reply of 256 bytes, and of a JSON value of about
 * that size (a row `SYSTEM json` each). p50/p99 one call at a time, and
 * throughput at 1, 16, 32 and 64 calls in flight, for every system.
 */
import { runSystemCase } from './context.ts'
import type { BenchContext } from './context.ts'
import type { UnaryParams } from '../roles/measure.ts'

export const UNARY_SYSTEMS = ['meshwork', 'libp2p-pooled', 'libp2p-stream', 'nats', 'redis', 'http']
export const IN_FLIGHT = [1, 16, 32, 64]
/** The key of a system's JSON-payload row in the results */
export const jsonRow = (system: string): string => `${system} json`

export function unaryParams (quick: boolean): UnaryParams {
  return quick
    ? { warmup: 50, count: 200, maxDurationMs: 5_000, inFlight: IN_FLIGHT, throughputMs: 300, maxCalls: 5_000 }
    : { warmup: 5_000, count: 5_000, maxDurationMs: 20_000, inFlight: IN_FLIGHT, throughputMs: 3_000, maxCalls: 200_000 }
}

export async function unaryCase (ctx: BenchContext, systems = UNARY_SYSTEMS): Promise<Record<string, any>> {
  const out: Record<string, any> = {}
  for (const system of systems) {
    ctx.log(`unary: ${system}`)
    out[system] = await runSystemCase(ctx, system, 'unary', unaryParams(ctx.quick))
  }
  for (const system of systems) {
    ctx.log(`unary, JSON: ${system}`)
    out[jsonRow(system)] = await runSystemCase(ctx, system, 'unary', { ...unaryParams(ctx.quick), json: true })
  }
  return out
}
