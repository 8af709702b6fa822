/**
 * A slow link: every byte between the requester and the workers crosses a
 * delay proxy (150 ms each way, 300 ms round trip), while gossip through
 * the relay stays fast. Each worker, and the requester, announce only their
 * proxy's address, so whichever side dials, the link is slow.
 *
 * - keepalives that take 300 ms to come back are no reason to suspect a
 *   worker: no false suspects, no false deaths, every task once;
 * - a worker that goes silent (SIGSTOP) is still detected and its tasks
 *   moved within the silent-death bound, plus the round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { delayProxy, freePort } from './delay-proxy.ts'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { size } from './profile.ts'
import type { DelayProxy } from './delay-proxy.ts'
import type { ChaosMesh } from './harness.ts'
import type { PeerArgs } from './peer-common.ts'

const DELAY_MS = 150
const WORKERS = 3
const REROUTE_BOUND_MS = 3_000

/** Listen on a port of its own; announce only the proxy in front of it. */
async function behindProxy (proxies: DelayProxy[]): Promise<PeerArgs> {
  const port = await freePort()
  const proxy = await delayProxy({ target: { host: '127.0.0.1', port }, delayMs: DELAY_MS })
  proxies.push(proxy)
  return { mesh: { libp2p: { addresses: { listen: [`/ip4/127.0.0.1/tcp/${port}`], announce: [`/ip4/127.0.0.1/tcp/${proxy.port}`] } } } }
}

describe(`a ${2 * DELAY_MS} ms round trip between requester and workers`, () => {
  let mesh: ChaosMesh
  const proxies: DelayProxy[] = []
  const workerArgs: PeerArgs[] = []

  beforeAll(async () => {
    for (let i = 0; i < WORKERS; i++) {
      workerArgs.push(await behindProxy(proxies))
    }
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: 32, workMs: 50, tokenDelayMs: 20 }, workerArgsAt: i => workerArgs[i] })
  }, 120_000)

  afterAll(async () => {
    await mesh?.stop()
    await Promise.all(proxies.map(async p => { await p.close() }))
  })

  it('no healthy worker is suspected; every task completes once', async () => {
    const summary = await runLoad(mesh, { ...await behindProxy(proxies), tasks: size(300, 1_000), inFlight: 32, timeoutMs: 120_000 })
    console.log(formatSummary(`slow link: ${2 * DELAY_MS} ms round trip through delay proxies`, summary))
    // the traffic really crossed the proxies: no call is faster than a round trip
    expect(summary.latencyMs.p50).toBeGreaterThanOrEqual(2 * DELAY_MS)
    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.falseSuspects).toBe(0)
    expect(summary.falseDeaths).toEqual([])
  }, 300_000)

  it(`a silent worker is detected and its tasks moved within ${REROUTE_BOUND_MS} ms plus the round trip`, async () => {
    const summary = await runLoad(mesh, { ...await behindProxy(proxies), tasks: size(400, 1_000), inFlight: 48, timeoutMs: 120_000 }, [
      { atMs: 2_000, action: 'SIGSTOP', worker: 0 }
    ])
    console.log(formatSummary(`slow link: ${2 * DELAY_MS} ms round trip, one worker SIGSTOPped`, summary))
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(summary.rerouteMs.max).toBeLessThanOrEqual(REROUTE_BOUND_MS + 2 * DELAY_MS)
    expect(summary.falseDeaths).toEqual([])
  }, 300_000)
})
