/**
 * Case 3: the broadcast claim path (`mode: 'broadcast'`): a task announced on
 * the service topic, offered by free workers, granted to the first. p50/p99
 * from call to first streamed byte, beside direct dispatch in the same run.
 * Each worker is a process of its own, as on separate machines: offers race
 * for real rather than queue in one event loop.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { startRelay } from '../lib/relay.ts'
import type { ChildHandle } from '../lib/child.ts'
import type { BenchContext } from './context.ts'

export const CLAIM_WORKERS = 3

export async function claimCase (ctx: BenchContext): Promise<Record<string, any>> {
  ctx.log('claim: meshwork')
  const relay = await startRelay()
  const workers: ChildHandle[] = []
  try {
    for (let i = 0; i < CLAIM_WORKERS; i++) {
      workers.push(spawnChild(`claim worker ${i}`, benchFile('roles/mesh-worker.ts'), [relay.addr, 'normal'], { expectReady: true }))
    }
    await Promise.all(workers.map(async w => w.ready))
    const params = ctx.quick
      ? { warmup: 5, count: 30, tokens: 8, workers: CLAIM_WORKERS }
      : { warmup: 500, count: 500, tokens: 8, workers: CLAIM_WORKERS }
    const client = spawnChild('claim requester', benchFile('roles/mesh-client.ts'), ['claim', relay.addr, JSON.stringify(params)])
    try {
      const { type: _t, ...result } = await client.result
      return { workers: CLAIM_WORKERS, ...result }
    } finally {
      await client.stop()
    }
  } finally {
    await Promise.all(workers.map(async w => { await w.stop() }))
    await relay.stop()
  }
}
