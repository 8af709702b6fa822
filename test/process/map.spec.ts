/**
 * A map over real worker processes: first on two healthy workers alone, to
 * measure the job there; then with a third worker ten times slower and a
 * fourth SIGKILLed partway. Every result arrives once and right, the job is
 * not slower than on the healthy workers alone (a loose bound), and the
 * slow worker's attempts that lost to a backup are cancelled there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { WORKER_SCRIPT, killAll, spawnPeer } from '../chaos/proc.ts'
import { workAnswer } from '../chaos/workload.ts'
import type { PeerProcess } from '../chaos/proc.ts'
import type { MeshNode } from '../../src/types.ts'

const TASKS = 40
const CONCURRENCY = 8
const WORK_MS = 300
const SLOW_WORK_MS = 10 * WORK_MS
/**
 * Loose, for a shared machine: the job with a straggler and a death may
 * take as long as on the healthy workers alone, plus this much slack (the
 * death is seen by its connection closing; one slow task is 3 s)
 */
const SLACK_MS = 1_500

describe('map over worker processes, one slow and one killed', () => {
  let requester: MeshNode
  let healthy: PeerProcess[] = []
  let slow: PeerProcess | undefined
  let doomed: PeerProcess | undefined

  beforeAll(async () => {
    requester = await createMeshNode({ webrtc: false, role: 'relay' })
    const bootstrap = [requester.addrs()[0]]
    healthy = await Promise.all([0, 1].map(async () => spawnPeer(WORKER_SCRIPT, { bootstrap, workMs: WORK_MS, concurrency: 16 })))
    await requester.waitForWorkers('work', 2, { timeoutMs: 20_000 })
  }, 60_000)

  afterAll(async () => {
    await killAll([...healthy, slow, doomed])
    await requester?.stop()
  })

  const inputs = Array.from({ length: TASKS }, (_, n) => ({ n }))

  /** Runs the job, checking that each result comes once and right; returns its makespan. */
  async function run (onProgress?: (done: number) => void): Promise<{ ms: number, speculated: number }> {
    const startedAt = Date.now()
    const job = requester.map<string>('work', inputs, { concurrency: CONCURRENCY, timeoutMs: 30_000 })
    const seen = new Map<number, number>()
    for await (const { index, value } of job) {
      seen.set(index, (seen.get(index) ?? 0) + 1)
      expect(value).toBe(workAnswer(index))
      onProgress?.(job.progress.done)
    }
    const ms = Date.now() - startedAt
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(inputs.map(i => i.n))
    expect([...seen.values()].every(count => count === 1)).toBe(true)
    expect(await job.all()).toEqual(inputs.map(i => workAnswer(i.n)))
    return { ms, speculated: job.progress.speculated }
  }

  it('every result once and right, not slower than on the healthy workers alone; losing backups cancelled', async () => {
    const alone = await run()
    const bootstrap = [requester.addrs()[0]]
    ;[slow, doomed] = await Promise.all([SLOW_WORK_MS, WORK_MS].map(async workMs => spawnPeer(WORKER_SCRIPT, { bootstrap, workMs, concurrency: 16 })))
    await requester.waitForWorkers('work', 4, { timeoutMs: 20_000 })
    let killedAt = 0
    const mixed = await run(done => {
      if (killedAt === 0 && done >= TASKS / 4) {
        killedAt = Date.now()
        doomed!.signal('SIGKILL')
      }
    })
    console.log(`makespan: healthy alone ${alone.ms} ms; with a 10x slow worker and one killed ${mixed.ms} ms (${mixed.speculated} backups; the slow worker began ${slow!.events.filter(e => e.ev === 'began').length}, the killed one ${doomed!.events.filter(e => e.ev === 'began').length})`)
    expect(killedAt).toBeGreaterThan(0)
    expect(mixed.ms).toBeLessThanOrEqual(alone.ms + SLACK_MS)
    // the slow worker began tasks whose answer came from elsewhere: each was cancelled there
    // every task the slow worker began either answered there or was cancelled there once a backup won
    const began = slow!.events.filter(e => e.ev === 'began').length
    expect(began).toBeGreaterThan(0)
    await expect.poll(() => slow!.events.filter(e => e.ev === 'ran').length, { timeout: 5_000 }).toBe(began)
    expect(slow!.events.filter(e => e.ev === 'ran' && e.ok === false).length).toBeGreaterThan(0)
  }, 60_000)
})
