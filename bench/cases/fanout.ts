/**
 * Case 4: one task to 10 workers, gathering every reply. The 10 workers
 * of each system share one process; the requester is another.
 */
import { runSystemCase } from './context.ts'
import { eachRun } from './quick.ts'
import type { BenchContext } from './context.ts'
import type { FanoutParams } from '../roles/measure.ts'

export const FANOUT_SYSTEMS = ['meshwork', 'libp2p-pooled', 'nats', 'redis', 'http']
export const FANOUT_WORKERS = 10
/** Tasks each meshwork worker runs at once (one arrives per gather) */
export const FANOUT_CONCURRENCY = 4

export function fanoutParams (quick: boolean): FanoutParams {
  return quick
    ? { warmup: 10, count: 50, workers: FANOUT_WORKERS, maxDurationMs: 5_000 }
    : { warmup: 1_000, count: 1_000, workers: FANOUT_WORKERS, maxDurationMs: 20_000 }
}

export async function fanoutCase (ctx: BenchContext, systems = FANOUT_SYSTEMS): Promise<Record<string, any>> {
  const results = await eachRun(ctx, systems, async system => {
    ctx.log(`fan-out: ${system}`)
    return runSystemCase(ctx, system, 'fanout', fanoutParams(ctx.quick), { workers: FANOUT_WORKERS, concurrency: FANOUT_CONCURRENCY })
  })
  return Object.fromEntries(systems.map((system, i) => [system, results[i]]))
}
