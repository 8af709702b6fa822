/**
 * Partition and heal, in network namespaces: the relay, the requester and
 * two workers on one side, two workers on the other, cut apart by nft rules
 * while tasks run, then joined again.
 *
 * - no task completes on both sides as two results (each resolves once);
 * - every task ends, with its result or a typed error, by its deadline;
 * - the mesh reforms after the heal: the requester sends work to the
 *   workers of the other side again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from '../chaos/harness.ts'
import { size } from '../chaos/profile.ts'
import { createLab, labUnavailable } from './lab.ts'
import type { ChaosMesh, LoadSummary } from '../chaos/harness.ts'
import type { Lab } from './lab.ts'

const unavailable = labUnavailable()
if (unavailable != null) {
  console.warn(`skipping network namespace tests: ${unavailable}`)
}

const TASK_TIMEOUT_MS = 15_000
const PARTITION_AT_MS = 2_000
const PARTITION_FOR_MS = size(13_000, 30_000)
const RUN_MS = PARTITION_AT_MS + PARTITION_FOR_MS + size(8_000, 15_000)
/** Error names meshwork raises: an outcome that is anything else is not typed */
const TYPED = new Set(['NoWorkersError', 'TimeoutError', 'AbortError', 'RemoteError', 'AccessDeniedError', 'RateLimitedError', 'ProtocolError'])

describe.skipIf(unavailable != null)('partition and heal in network namespaces', () => {
  let lab: Lab
  let mesh: ChaosMesh

  beforeAll(async () => {
    lab = createLab(['relay', 'w0', 'w1', 'w2', 'w3', 'req'])
    mesh = await startChaosMesh({
      workers: 4,
      workerArgs: { concurrency: 16, workMs: 100, tokenDelayMs: 20 },
      relayAt: lab.peer('relay'),
      workerAt: k => lab.peer(`w${k}`)
    })
  }, 120_000)

  afterAll(async () => {
    await mesh?.stop()
    lab?.destroy()
  })

  it('each task resolves once, by its deadline; the mesh reforms after the heal', async () => {
    let healedAt = 0
    const summary: LoadSummary = await runLoad(mesh, {
      at: lab.peer('req'), durationMs: RUN_MS, inFlight: 16, timeoutMs: TASK_TIMEOUT_MS
    }, [
      { atMs: PARTITION_AT_MS, action: () => { lab.partition(['relay', 'req', 'w0', 'w1'], ['w2', 'w3']) }, workers: [2, 3], name: 'partition {relay, requester, w0, w1} | {w2, w3}' },
      { atMs: PARTITION_AT_MS + PARTITION_FOR_MS, action: () => {
        // the heal's first rule removed lets traffic through, before heal() returns: its time is when it starts
        healedAt = Date.now()
        lab.heal()
      }, name: 'heal' }
    ])
    const far = new Set([mesh.workers[2].peerId, mesh.workers[3].peerId])
    const afterHeal = summary.requesterEvents.filter(e => e.ev === 'dispatch' && far.has(e.to) && e.at > healedAt)
    const reformMs = afterHeal.length > 0 ? Math.min(...afterHeal.map(e => e.at)) - healedAt : NaN
    const outs = summary.requesterEvents.filter(e => e.ev === 'out')
    const late = outs.filter(o => o.ms > TASK_TIMEOUT_MS + 1_000)
    const untyped = outs.filter(o => !o.ok && !TYPED.has(o.err))
    console.log(formatSummary(`partition for ${PARTITION_FOR_MS / 1000} s, then heal`, summary))
    // deaths across the split are right; a side declaring one of its own dead is false
    const sides = [new Set([mesh.relay.peerId, summary.requesterId, mesh.workers[0].peerId, mesh.workers[1].peerId]), far]
    const sameSide = (a: string, b: string): boolean => sides.some(side => side.has(a) && side.has(b))
    const observers = [{ peerId: summary.requesterId, events: summary.requesterEvents }, mesh.relay, ...mesh.workers]
    const endAt = summary.requesterEvents.find(e => e.ev === 'end')!.at
    // the requester stops cleanly at the end, and says so: that goodbye is no verdict
    const deaths = observers.flatMap(o => o.events.filter(e => e.ev === 'peer' && e.state === 'dead' && !(e.peer === summary.requesterId && e.at >= endAt))
      .map(e => ({ observer: o.peerId, peer: e.peer as string })))
    const falseDeaths = deaths.filter(d => sameSide(d.observer, d.peer))
    const backAlive = summary.requesterEvents.filter(e => e.ev === 'peer' && e.state === 'alive' && far.has(e.peer) && e.at > healedAt)
    const aliveMs = backAlive.length > 0 ? Math.max(...backAlive.map(e => e.at)) - healedAt : NaN
    console.log([
      `outcomes past their deadline: ${late.length}, untyped errors: ${untyped.length}`,
      `handlers that completed on the far side and again on the near side (one result delivered): ${summary.ranTwice}`,
      `deaths declared across the split: ${deaths.length - falseDeaths.length}, within a side (false): ${falseDeaths.length}`,
      `after the heal: far workers alive again in ${Number.isFinite(aliveMs) ? aliveMs : '-'} ms, first task sent there in ${Number.isFinite(reformMs) ? reformMs : '-'} ms (${afterHeal.length} tasks)`
    ].join('\n'))

    expect(healedAt).toBeGreaterThan(0)
    // every task sent has exactly one outcome, right or a typed error, by its deadline
    expect(outs.length).toBe(summary.sent)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(untyped).toEqual([])
    expect(late).toEqual([])
    // the far side's work moved to the near side
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(falseDeaths).toEqual([])
    // and the mesh reformed
    expect(backAlive.length).toBeGreaterThanOrEqual(2)
    expect(afterHeal.length).toBeGreaterThan(0)
  }, RUN_MS + 120_000)
})
