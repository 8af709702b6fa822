/**
 * Packet faults in network namespaces, below TCP: 5% of every peer's
 * incoming packets dropped at random (nft `numgen random`), and a worker
 * whose packets are all dropped (a silent death the kernel does not report).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from '../chaos/harness.ts'
import { size } from '../chaos/profile.ts'
import { createLab, labUnavailable } from './lab.ts'
import type { ChaosMesh } from '../chaos/harness.ts'
import type { Lab } from './lab.ts'

const unavailable = labUnavailable()
const NAMES = ['relay', 'w0', 'w1', 'w2', 'w3', 'req']
/** The bound the design sets for a silent death, default heartbeat */
const REROUTE_BOUND_MS = 3_000

describe.skipIf(unavailable != null)('packet loss and silence in network namespaces', () => {
  let lab: Lab
  let mesh: ChaosMesh

  beforeAll(async () => {
    lab = createLab(NAMES)
    mesh = await startChaosMesh({
      workers: 4,
      workerArgs: { concurrency: 16, workMs: 50, tokenDelayMs: 20 },
      relayAt: lab.peer('relay'),
      workerAt: k => lab.peer(`w${k}`)
    })
  }, 120_000)

  afterEach(() => { lab?.heal() })

  afterAll(async () => {
    await mesh?.stop()
    lab?.destroy()
  })

  it('5% packet loss on every peer: all tasks complete, once, with the right content', async () => {
    lab.loss(NAMES, 5)
    const summary = await runLoad(mesh, { at: lab.peer('req'), tasks: size(300, 1_000), inFlight: 32, timeoutMs: 120_000 })
    console.log(formatSummary('5% packet loss on every peer', summary))
    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.falseDeaths).toEqual([])
  }, 300_000)

  it(`a worker whose packets are all dropped: its tasks move within ${REROUTE_BOUND_MS} ms; its late output, once the link is back, is discarded`, async () => {
    const silent = mesh.workers[0]
    const summary = await runLoad(mesh, { at: lab.peer('req'), tasks: size(600, 1_500), inFlight: 48, timeoutMs: 120_000 }, [
      { atMs: 1_000, action: () => { lab.silence('w0') }, workers: [0], name: 'drop every packet of w0' },
      { atMs: 4_000, action: () => { lab.heal() }, name: 'let w0 through again' }
    ])
    // tasks w0 finished while cut off, whose results reached the requester once the link was back
    const late = silent.events.filter(e => e.ev === 'ran' && e.ok === true && summary.movedTasks.has(e.task))
    console.log(formatSummary('silent death: every packet of one worker dropped for 3 s', summary))
    console.log(`tasks the cut-off worker finished after they had moved (late output, discarded): ${late.length}`)
    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(summary.rerouteMs.max).toBeLessThanOrEqual(REROUTE_BOUND_MS)
    expect(late.length).toBeGreaterThan(0)
  }, 300_000)
})
