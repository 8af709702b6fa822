/**
 * A third of the workers SIGKILLed, one SIGSTOPped and resumed, and (full
 * run) the relay killed, while a requester process keeps a mix of LLM
 * streams, LLM requests and jobs in flight. Counted from the requester's
 * side: every task resolves once, with the right content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { FULL, size } from './profile.ts'
import type { ChaosMesh, Fault } from './harness.ts'

const WORKERS = size(6, 12)
const TASKS = size(300, 1_000)
const KILLED = WORKERS / 3

describe(`${KILLED} of ${WORKERS} workers killed under load`, () => {
  let mesh: ChaosMesh

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: 32, workMs: 50, tokenDelayMs: 20 } })
  }, 120_000)

  afterAll(async () => { await mesh?.stop() })

  it('nothing is lost or delivered twice, every stream token once and in order', async () => {
    // kills spread over the run, so some land mid-stream and some on a mesh already short
    const faults: Fault[] = Array.from({ length: KILLED }, (_, k) => ({ atMs: 1_000 + k * size(1_200, 2_500), action: 'SIGKILL', worker: k }))
    const frozen = KILLED
    faults.push({ atMs: 1_500, action: 'SIGSTOP', worker: frozen }, { atMs: size(6_000, 15_000), action: 'SIGCONT', worker: frozen })
    if (FULL) {
      faults.push({ atMs: 8_000, action: () => { mesh.relay.signal('SIGKILL') }, name: 'SIGKILL relay' })
    }
    const summary = await runLoad(mesh, { tasks: TASKS, inFlight: 48, timeoutMs: 120_000 }, faults)
    console.log(formatSummary(`kills: ${WORKERS} workers, ${KILLED} killed, 1 stopped${FULL ? ', relay killed' : ''}`, summary))

    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.completed).toBe(TASKS)
    // the faults did land on work in flight
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(summary.falseDeaths).toEqual([])
  }, size(180_000, 900_000))
})
