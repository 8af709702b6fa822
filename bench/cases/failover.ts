/**
 * Case 5: failover. A requester streams from a worker; once the first
 * chunk is in, the parent SIGKILLs that worker and times, across the
 * processes' shared clock, how long until the stream completes on the
 * other worker. Each run has a fresh victim and requester.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { startRelay } from '../lib/relay.ts'
import { round, summarize } from '../lib/stats.ts'
import type { BenchContext } from './context.ts'

/** Tokens per streamed task: the victim sends 10, the survivor the rest. */
const FAILOVER_TOKENS = 50
const wallMs = (): number => performance.timeOrigin + performance.now()

export async function failoverCase (ctx: BenchContext): Promise<Record<string, any>> {
  ctx.log('failover: meshwork')
  const runs = ctx.quick ? 1 : 10
  const relay = await startRelay()
  const backup = spawnChild('backup worker', benchFile('roles/mesh-worker.ts'), [relay.addr, 'normal'], { expectReady: true })
  const completeMs: number[] = []
  const detectMs: number[] = []
  const samples: Array<Record<string, unknown>> = []
  let errors = 0
  try {
    await backup.ready
    for (let run = 0; run < runs; run++) {
      const victim = spawnChild('victim worker', benchFile('roles/mesh-worker.ts'), [relay.addr, 'victim'], { expectReady: true })
      try {
        const { peerId } = await victim.ready
        const requester = spawnChild('failover requester', benchFile('roles/mesh-client.ts'), [
          'failover', relay.addr, JSON.stringify({ victim: peerId, tokens: FAILOVER_TOKENS, workers: 2 })
        ])
        let killedAt = 0
        requester.onEvent((msg) => {
          if (msg.name === 'first-chunk' && killedAt === 0) {
            killedAt = wallMs()
            victim.child.kill('SIGKILL')
          }
        })
        try {
          const result = await requester.result
          const ok = killedAt > 0 && result.inOrder === true && result.finalWorker !== peerId
          if (!ok) {
            errors++
            continue
          }
          completeMs.push(result.doneAt - killedAt)
          detectMs.push(result.failoverAt - killedAt)
          samples.push({ completeMs: round(result.doneAt - killedAt), detectMs: round(result.failoverAt - killedAt), reason: result.failoverEvent?.reason })
        } finally {
          await requester.stop()
        }
      } finally {
        await victim.stop()
      }
    }
  } finally {
    await backup.stop()
    await relay.stop()
  }
  return {
    runs,
    completed: completeMs.length,
    errors,
    tokens: FAILOVER_TOKENS,
    killToComplete: summarize(completeMs),
    killToRedispatch: summarize(detectMs),
    samples
  }
}
