/**
 * Case 1: unary request/reply of 256 bytes, and of a JSON value of about
 * that size (a row `SYSTEM json` each). p50/p99 one call at a time, and
 * throughput at 1, 16, 32 and 64 calls in flight, for every system.
 */
import { runSystemCase } from './context.ts'
import { eachRun } from './quick.ts'
import type { BenchContext } from './context.ts'
import type { UnaryParams } from '../roles/measure.ts'

export const UNARY_SYSTEMS = ['meshwork', 'libp2p-pooled', 'libp2p-stream', 'nats', 'redis', 'http']
export const IN_FLIGHT = [1, 16, 32, 64]
/** The key of a system's JSON-payload row in the results */
export const jsonRow = (system: string): string => `${system} json`

export function unaryParams (quick: boolean): UnaryParams {
  return quick
    ? { warmup: 20, count: 100, maxDurationMs: 5_000, inFlight: IN_FLIGHT, throughputMs: 200, maxCalls: 5_000 }
    : { warmup: 5_000, count: 5_000, maxDurationMs: 20_000, inFlight: IN_FLIGHT, throughputMs: 3_000, maxCalls: 200_000 }
}

export async function unaryCase (ctx: BenchContext, systems = UNARY_SYSTEMS): Promise<Record<string, any>> {
  const runs = [...systems.map(system => ({ system, json: false })), ...systems.map(system => ({ system, json: true }))]
  const results = await eachRun(ctx, runs, async ({ system, json }) => {
    ctx.log(`unary${json ? ', JSON' : ''}: ${system}`)
    return runSystemCase(ctx, system, 'unary', json ? { ...unaryParams(ctx.quick), json } : unaryParams(ctx.quick))
  })
  return Object.fromEntries(runs.map(({ system, json }, i) => [json ? jsonRow(system) : system, results[i]]))
}
