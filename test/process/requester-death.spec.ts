/**
 * Workers stop work nobody waits for: a requester process with long jobs
 * running on two workers is SIGKILLed (its connections close) or SIGSTOPped
 * (it goes silent, connections open), and every job it started is
 * cancelled on its worker — at once for a kill, once the requester has been
 * silent for `requesterTimeoutMs` for a stop. The jobs would run for far
 * longer than the test waits, so only a cancel ends them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChaosMesh } from '../chaos/harness.ts'
import { REQUESTER_SCRIPT, killAll, spawnPeer } from '../chaos/proc.ts'
import { eventually } from '../helpers/mesh.ts'
import type { ChaosMesh } from '../chaos/harness.ts'
import type { PeerEvent, PeerProcess } from '../chaos/proc.ts'

const JOBS = 6
/** Far longer than any wait below: a job ends early only if cancelled */
const WORK_MS = 120_000
const REQUESTER_TIMEOUT_MS = 4_000
/** Design bounds, loose: a closed connection is seen at once (well before the silence timeout); silence after the timeout */
const KILL_CANCEL_BOUND_MS = 2_000
const STOP_CANCEL_BOUND_MS = REQUESTER_TIMEOUT_MS + 3_000

describe('a requester that dies or goes silent with jobs running', () => {
  let mesh: ChaosMesh
  const requesters: PeerProcess[] = []

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: 2, workerArgs: { concurrency: JOBS, workMs: WORK_MS, mesh: { requesterTimeoutMs: REQUESTER_TIMEOUT_MS } } })
  }, 60_000)

  afterAll(async () => {
    await killAll(requesters)
    await mesh?.stop()
  })

  /** Starts a requester with JOBS long jobs and resolves once every one runs on a worker. */
  async function requesterWithJobsRunning (): Promise<PeerProcess> {
    const requester = await spawnPeer(REQUESTER_SCRIPT, {
      bootstrap: [mesh.bootstrap], workers: 2, services: ['work'], only: 'work', tasks: JOBS, inFlight: JOBS, timeoutMs: 2 * WORK_MS
    })
    requesters.push(requester)
    const started = (): number => mesh.workers.flatMap(w => w.events).filter(e => e.ev === 'began' && e.req === requester.peerId).length
    await eventually(() => started() >= JOBS, 20_000, 'every job running')
    return requester
  }

  /** Resolves with when the last of `requester`'s jobs ended on its worker, once all have. */
  async function allEnded (requester: PeerProcess, timeoutMs: number): Promise<number> {
    const ended = (): PeerEvent[] => mesh.workers.flatMap(w => w.events).filter(e => e.ev === 'ran' && e.req === requester.peerId)
    await eventually(() => ended().length >= JOBS, timeoutMs, 'every job ended')
    const list = ended()
    expect(list.every(e => e.ok === false)).toBe(true)
    return Math.max(...list.map(e => e.at))
  }

  it('SIGKILL: its jobs are cancelled on the workers at once', async () => {
    const requester = await requesterWithJobsRunning()
    const killedAt = Date.now()
    requester.signal('SIGKILL')
    const last = await allEnded(requester, KILL_CANCEL_BOUND_MS + 5_000)
    console.log(`jobs of a killed requester cancelled, the last ${last - killedAt} ms after the kill`)
    expect(last - killedAt).toBeLessThanOrEqual(KILL_CANCEL_BOUND_MS)
  })

  it(`SIGSTOP: its jobs are cancelled once it has been silent for requesterTimeoutMs (${REQUESTER_TIMEOUT_MS} ms)`, async () => {
    const requester = await requesterWithJobsRunning()
    const stoppedAt = Date.now()
    requester.signal('SIGSTOP')
    const last = await allEnded(requester, STOP_CANCEL_BOUND_MS + 5_000)
    console.log(`jobs of a silent requester cancelled, the last ${last - stoppedAt} ms after the stop`)
    expect(last - stoppedAt).toBeGreaterThanOrEqual(REQUESTER_TIMEOUT_MS - 500)
    expect(last - stoppedAt).toBeLessThanOrEqual(STOP_CANCEL_BOUND_MS)
  })
})
