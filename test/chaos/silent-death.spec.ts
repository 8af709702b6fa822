/**
 * A silent death: a worker SIGSTOPped with tasks in flight keeps its TCP
 * connections open and says nothing. With the default heartbeat its tasks
 * must move within 3 s. It is stopped in the middle of a job's last step (a
 * busy loop), and woken (SIGCONT) while the moved tasks still run on their
 * new workers: it then finishes that job and sends its (now superseded)
 * result before it reads the requester's cancel. The requester must discard
 * it — every moved task is settled by its last attempt, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { size } from './profile.ts'
import { waitForEvent } from './proc.ts'
import type { ChaosMesh } from './harness.ts'
import type { PeerEvent, PeerProcess } from './proc.ts'

/** The bound the design sets for a silent death, default heartbeat (keepalive 500 ms, suspect 1.5 s) */
const REROUTE_BOUND_MS = 3_000
/** Long enough that a moved job still runs on its new worker when the frozen one wakes */
const WORK_MS = 1_000
/** The frozen worker's busy loop, during which it is stopped */
const SPIN_MS = 1_000
/** The wake-up comes this long after the first task moved (all of a dead worker's tasks move at once) */
const WAKE_AFTER_MOVE_MS = 200

describe('a worker SIGSTOPped under load', () => {
  let mesh: ChaosMesh

  beforeAll(async () => {
    mesh = await startChaosMesh({
      workers: 4,
      workerArgs: { concurrency: 32, workMs: WORK_MS, tokenDelayMs: 20 },
      workerArgsAt: i => i === 0 ? { spinOnceMs: SPIN_MS } : {}
    })
  }, 120_000)

  afterAll(async () => { await mesh?.stop() })

  it(`its tasks move within ${REROUTE_BOUND_MS} ms; its late output after SIGCONT is discarded`, async () => {
    const frozen = mesh.workers[0]
    let requester: PeerProcess | undefined
    let wokenAt = Infinity
    const freeze = async (): Promise<number> => {
      await waitForEvent(frozen, e => e.ev === 'spinning', 30_000, 'the busy loop')
      frozen.signal('SIGSTOP')
      const stoppedAt = Date.now()
      try {
        await waitForEvent(requester!, e => e.ev === 'failover' && e.from === frozen.peerId, 2 * REROUTE_BOUND_MS, 'a task moved off the frozen worker')
        await new Promise(resolve => setTimeout(resolve, WAKE_AFTER_MOVE_MS))
      } finally {
        wokenAt = Date.now()
        frozen.signal('SIGCONT')
      }
      return stoppedAt
    }
    const summary = await runLoad(mesh, { tasks: size(500, 2_000), inFlight: 48, timeoutMs: 120_000, onRequester: r => { requester = r } }, [
      { atMs: 0, action: freeze, workers: [0], name: 'SIGSTOP worker 0 in a busy loop, SIGCONT once its tasks moved' }
    ])
    console.log(formatSummary('silent death: 1 of 4 workers SIGSTOPped, woken while its moved tasks still run', summary))

    // positive control: after waking, the frozen worker finished the job it was stopped in (and maybe others)
    // before it heard they were cancelled, so it sent their results
    const late = frozen.events.filter(e => e.ev === 'ran' && e.ok === true && e.at >= wokenAt && summary.movedTasks.has(e.task))
    // each moved task was settled by its last attempt: no earlier than that attempt's handler ended
    const settledEarly = [...summary.movedTasks].filter(task => settledBeforeLastAttempt(task, summary.requesterEvents, mesh.workers))
    console.log(`late completions on the woken worker, of tasks already moved: ${late.length}; moved tasks settled before their last attempt ended: ${settledEarly.length}`)

    expect(late.length).toBeGreaterThan(0)
    expect(settledEarly).toEqual([])
    expect(summary.errors).toEqual({})
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.rerouteMs.count).toBeGreaterThan(0)
    expect(summary.rerouteMs.max).toBeLessThanOrEqual(REROUTE_BOUND_MS)
    expect(summary.falseDeaths).toEqual([])
  }, 180_000)
})

/**
 * Whether the requester settled `task` before the handler of its last
 * dispatch ended on that worker (so by some other attempt's output).
 */
function settledBeforeLastAttempt (task: string, requesterEvents: PeerEvent[], workers: PeerProcess[]): boolean {
  const last = requesterEvents.findLast(e => e.ev === 'dispatch' && e.task === task)
  const done = requesterEvents.find(e => e.ev === 'done' && e.task === task)
  const worker = workers.find(w => w.peerId === last?.to)
  const ran = worker?.events.find(e => e.ev === 'ran' && e.task === task && e.attempt === last?.attempt)
  if (done == null || ran == null) {
    // not settled, or its last attempt never ended: a lost task, counted by the summary
    return false
  }
  return done.at < ran.at
}
