/**
 * 30% of 8 workers (3) SIGKILLed at random moments while a requester
 * process keeps a mix of LLM streams, LLM requests and jobs in flight.
 * Counted from the requester's side: every task resolves once, with the
 * right content; every stream's tokens complete and in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { FULL, size } from './profile.ts'
import { seededRandom } from './stats.ts'
import type { ChaosMesh, Fault } from './harness.ts'

const WORKERS = 8
const KILLED = Math.ceil(WORKERS * 0.3)
const TASKS = size(300, 1_000)
/** Kills land at random in the first part of the run, while work is in flight */
const KILL_WINDOW_MS = size(2_200, 8_000)
const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000)

describe(`${KILLED} of ${WORKERS} workers SIGKILLed at random moments`, () => {
  let mesh: ChaosMesh

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: 32, workMs: 50, tokenDelayMs: 20 } })
  }, 120_000)

  afterAll(async () => { await mesh?.stop() })

  it(`${TASKS} tasks: 0 lost, 0 delivered twice, every stream complete and in order`, async () => {
    const random = seededRandom(SEED)
    const faults: Fault[] = Array.from({ length: KILLED }, (_, k) => ({
      atMs: Math.round(300 + random() * KILL_WINDOW_MS),
      action: 'SIGKILL',
      worker: k
    }))
    // a task survives maxAttempts - 1 deaths of its workers: one may meet all the kills
    const summary = await runLoad(mesh, { tasks: TASKS, inFlight: 48, timeoutMs: 120_000, maxAttempts: KILLED + 1 }, faults)
    console.log(formatSummary(`kills: ${KILLED} of ${WORKERS} workers SIGKILLed, ${TASKS} tasks (seed ${SEED}${FULL ? ', full' : ''})`, summary))

    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.completed).toBe(TASKS)
    expect(summary.faults.length).toBe(KILLED)
    expect(summary.falseDeaths).toEqual([])
  }, size(180_000, 600_000))
})
