/**
 * Case 2: a streamed reply of 1,000 tokens: chunks per second and time to
 * first chunk, for every system that can stream.
 */
import { runSystemCase } from './context.ts'
import { eachRun } from './quick.ts'
import type { BenchContext } from './context.ts'
import type { StreamParams } from '../roles/measure.ts'

export const STREAM_SYSTEMS = ['meshwork', 'libp2p-stream', 'nats', 'redis', 'http']

export function streamParams (quick: boolean): StreamParams {
  return quick ? { runs: 5, tokens: 1_000, warmup: 2 } : { runs: 200, tokens: 1_000, warmup: 50 }
}

export async function streamingCase (ctx: BenchContext, systems = STREAM_SYSTEMS): Promise<Record<string, any>> {
  const results = await eachRun(ctx, systems, async system => {
    ctx.log(`streaming: ${system}`)
    return runSystemCase(ctx, system, 'stream', streamParams(ctx.quick))
  })
  return Object.fromEntries(systems.map((system, i) => [system, results[i]]))
}
