/**
 * A silent death: a worker SIGSTOPped with tasks in flight keeps its TCP
 * connections open and says nothing. With the default heartbeat its tasks
 * must move within 3 s; after SIGCONT it wakes up and sends the rest of its
 * (now superseded) output, which the requester must discard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { size } from './profile.ts'
import type { ChaosMesh } from './harness.ts'

/** The bound the design sets for a silent death, default heartbeat (keepalive 500 ms, suspect 1.5 s) */
const REROUTE_BOUND_MS = 3_000
const STOP_AT_MS = 1_000
const CONT_AT_MS = 5_000

describe('a worker SIGSTOPped under load', () => {
  let mesh: ChaosMesh

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: 4, workerArgs: { concurrency: 32, workMs: 100, tokenDelayMs: 20 } })
  }, 120_000)

  afterAll(async () => { await mesh?.stop() })

  it(`its tasks move within ${REROUTE_BOUND_MS} ms; its late output after SIGCONT is discarded`, async () => {
    const frozen = mesh.workers[0]
    const summary = await runLoad(mesh, { tasks: size(500, 2_000), inFlight: 48, timeoutMs: 120_000 }, [
      { atMs: STOP_AT_MS, action: 'SIGSTOP', worker: 0 },
      { atMs: CONT_AT_MS, action: 'SIGCONT', worker: 0 }
    ])
    console.log(formatSummary('silent death: 1 of 4 workers SIGSTOPped, SIGCONT 4 s later', summary))
    // what the frozen worker finished after it woke: output nobody waited for any more
    const late = frozen.events.filter(e => e.ev === 'ran' && e.ok === true && summary.movedTasks.has(e.task))
    console.log(`late completions on the woken worker, of tasks already moved: ${late.length}`)

    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(summary.rerouteMs.max).toBeLessThanOrEqual(REROUTE_BOUND_MS)
    expect(summary.falseDeaths).toEqual([])
  }, 180_000)
})
