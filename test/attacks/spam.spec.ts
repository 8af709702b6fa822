/**
 * A spammer at ten times the honest rate, sending only invalid messages
 * (garbage on gossip topics, garbage on task channels). The garbage is
 * rejected, the spammer is scored down, and every honest request completes
 * with its answer. Honest latency with and without spam is printed as a
 * figure (the p99 ratio), not asserted: speed belongs to benchmarks.
 *
 * The spammer runs in its own process at the lowest CPU priority: a real
 * spammer burns its own machine, and on a two-core test machine its own
 * work would otherwise be counted as the cost of defending against it.
 * What the honest peers pay to receive and reject the spam is all counted.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { percentile } from '../chaos/stats.ts'
import { size } from '../chaos/profile.ts'
import { killAll, spawnPeer, waitForEvent } from '../chaos/proc.ts'
import { eventually } from '../helpers/mesh.ts'
import type { PeerProcess } from '../chaos/proc.ts'
import type { MeshNode } from '../../src/types.ts'

const SPAMMER = fileURLToPath(new URL('./spammer.ts', import.meta.url))
const HONEST_RATE = 100
/** Spam on and spam off alternate, so a change in the machine's load touches both alike */
const ROUNDS = size(2, 12)
const PHASE_MS = size(2_000, 5_000)
/** Handler time: honest work takes a while, as model calls do */
const WORK_MS = 20

describe('a spammer at 10x the honest rate', () => {
  let relay: MeshNode
  let worker: MeshNode
  let honest: MeshNode
  let spammer: PeerProcess | undefined

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', webrtc: false })
    worker = await createMeshNode({ bootstrap: [relay.addrs()[0]], webrtc: false })
    honest = await createMeshNode({ bootstrap: [relay.addrs()[0]], webrtc: false })
    worker.serve('echo', async (x: unknown) => { await new Promise(resolve => setTimeout(resolve, WORK_MS)); return x })
    await honest.waitForWorkers('echo', 1)
  }, 60_000)

  afterAll(async () => {
    await killAll([spammer])
    await Promise.all([honest, worker, relay].map(async n => n?.stop()))
  })

  /** Honest requests at a steady rate for `ms`; their latencies. */
  async function honestLoad (ms: number): Promise<number[]> {
    const latencies: number[] = []
    const calls: Array<Promise<void>> = []
    const until = Date.now() + ms
    let i = 0
    while (Date.now() < until) {
      const start = performance.now()
      const n = i++
      calls.push(honest.request('echo', n, { timeoutMs: 10_000 }).then(v => {
        expect(v).toBe(n)
        latencies.push(performance.now() - start)
      }))
      await new Promise(resolve => setTimeout(resolve, 1000 / HONEST_RATE))
    }
    await Promise.all(calls)
    return latencies
  }

  it('garbage is rejected, the spammer scored down, every honest request answered', async () => {
    await honestLoad(1_000)
    spammer = await spawnPeer(SPAMMER, {
      // aimed past 10x: at the lowest priority a spammer loses some of its rate to scheduling
      bootstrap: [relay.addrs()[0], worker.addrs()[0]], target: worker.peerId, rate: 12 * HONEST_RATE, durationMs: 2 * ROUNDS * PHASE_MS + 30_000
    }, { nice: 19 })
    spammer.signal('SIGSTOP')
    const quiet: number[] = []
    const spammed: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(...await honestLoad(PHASE_MS))
      spammer.signal('SIGCONT')
      spammed.push(...await honestLoad(PHASE_MS))
      spammer.signal('SIGSTOP')
    }
    spammer.signal('SIGCONT')
    const last = await waitForEvent(spammer, e => e.ev === 'spam' && e.sent > 0, 5_000, 'spam stats')
    const stats = spammer.events.filter(e => e.ev === 'spam').at(-1) ?? last
    const score = (worker.libp2p.services as any).pubsub.getScore(spammer.peerId) as number
    const p99Quiet = percentile(quiet, 0.99)
    const p99Spammed = percentile(spammed, 0.99)
    const spamSeconds = ROUNDS * PHASE_MS / 1000
    console.log([
      `== spammer aimed at ${12 * HONEST_RATE}/s against honest ${HONEST_RATE}/s, ${ROUNDS} rounds of ${PHASE_MS / 1000} s quiet + ${PHASE_MS / 1000} s spammed ==`,
      `spam sent ${stats.sent} (${(stats.sent / spamSeconds).toFixed(0)}/s while on, ${(stats.sent / spammed.length).toFixed(1)}x the honest requests): gossip ${stats.gossip}, task channels ${stats.frames} (reset by the worker ${stats.resets}, refused ${stats.failed})`,
      `spammer's score at the worker ${score.toFixed(0)} (graylisted below -400)`,
      `honest requests quiet: ${quiet.length}, p50 ${percentile(quiet, 0.5).toFixed(1)} ms, p99 ${p99Quiet.toFixed(1)} ms; spammed: ${spammed.length}, p50 ${percentile(spammed, 0.5).toFixed(1)} ms, p99 ${p99Spammed.toFixed(1)} ms; p99 ratio ${(p99Spammed / p99Quiet).toFixed(2)}`
    ].join('\n'))

    // the spam really ran at several times the honest rate (about ten, machine allowing)
    expect(stats.sent / spammed.length).toBeGreaterThan(5)
    expect(stats.resets + stats.failed).toBeGreaterThan(0)
    await eventually(() => (worker.libp2p.services as any).pubsub.getScore(spammer!.peerId) < -400, 5_000, 'the spammer graylisted')
    // honestLoad awaited every honest request and checked its answer
    expect(spammed.length).toBeGreaterThan(0)
  }, 2 * ROUNDS * PHASE_MS * 2 + 60_000)
})
