/**
 * A journaled `map` job survives its requester being killed, twice. The
 * requester (a child process with a LevelDB journal and a kept identity)
 * runs a job of 40 tasks over three worker processes:
 * - first it is frozen (SIGSTOP) mid-job, the workers finish the tasks it
 *   had in flight and answer into the frozen process, and it is SIGKILLed;
 * - restarted on the same data dir it re-opens the job with the same call:
 *   those tasks go back to their worker under the same task id and answer
 *   from its result cache (their handler does not run again), and the job
 *   goes on until a plain SIGKILL mid-job;
 * - the third start finishes the job.
 * Across the three lives every result is handed over exactly once and
 * right, and `all()` in the last gives all 40 in input order.
 *
 * A reader is done with a result when it asks for the next one; the job
 * then marks it taken in the journal's log. A kill that lands while the
 * script handles a result (after recording it, before asking for the
 * next) leaves that one result unmarked, and the next life hands it over
 * again. So the check, per killed life: every result marked taken was
 * recorded, at most one recorded result is unmarked and it is the life's
 * last, and only such a result may be recorded twice overall.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChaosMesh } from '../chaos/harness.ts'
import { readRecord } from '../chaos/peer-common.ts'
import { killAll, spawnPeer, waitForEvent } from '../chaos/proc.ts'
import { eventually } from '../helpers/mesh.ts'
import type { ChaosMesh } from '../chaos/harness.ts'
import type { PeerProcess } from '../chaos/proc.ts'

const SCRIPT = fileURLToPath(new URL('./map-requester.ts', import.meta.url))
const WORKERS = 3
const TASKS = 40
const CONCURRENCY = 6
const WORK_MS = 400
const JOB_ID = 'work-job'

/**
 * Task indexes the job wrote to the journal's log in one life (what the
 * kill left): `t`, results the reader was done with; `r`, results in.
 */
function logMarks (journalDir: string, kind: 't' | 'r'): number[] {
  const mark = `=${encodeURIComponent(`${JOB_ID}/${kind}/`)}`
  return readFileSync(join(journalDir, 'meshwork-log'), 'utf8').split('\n')
    .filter(line => line.startsWith(mark))
    .map(line => Number(line.slice(mark.length).split(' ')[0]))
}

/** Checks a killed life's marks against its record; returns the result it may hand over again. */
function handledAtKill (marks: number[], lifeOuts: number[], recorded: Set<number>): number[] {
  const taken = new Set(marks)
  expect(marks.filter(index => !recorded.has(index)), 'results marked taken but never recorded').toEqual([])
  const unmarked = lifeOuts.filter(index => !taken.has(index))
  expect(unmarked.length <= 1 && (unmarked.length === 0 || unmarked[0] === lifeOuts.at(-1)), `recorded but not marked taken: ${unmarked.join(', ')}`).toBe(true)
  return unmarked
}

describe('a journaled map job whose requester is killed', () => {
  let mesh: ChaosMesh
  let dir: string
  const requesters: PeerProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-map-journal-'))
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: 4, workMs: WORK_MS } })
  }, 60_000)

  afterAll(async () => {
    await killAll(requesters)
    await mesh?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('completes after two kills with every result once and right; tasks answered while it was down do not run again', async () => {
    const record = join(dir, 'record')
    const args = { bootstrap: [mesh.bootstrap], workers: WORKERS, journal: join(dir, 'journal'), key: join(dir, 'key'), record, tasks: TASKS, concurrency: CONCURRENCY }
    const outs = (): Array<Record<string, any>> => readRecord(record).filter(e => e.ev === 'out')
    const runs = (requester: string, ev: 'began' | 'ran'): Array<Record<string, any>> =>
      mesh.workers.flatMap(w => w.events.filter(e => e.ev === ev && e.req === requester).map(e => ({ ...e, worker: w.peerId })))

    // first life: frozen mid-job, its tasks in flight finish on the workers, then killed
    const first = await spawnPeer(SCRIPT, args)
    requesters.push(first)
    await eventually(() => outs().length >= 8, 30_000, 'a first share of the results')
    first.signal('SIGSTOP')
    const handed = new Set(outs().map(e => e.index))
    await eventually(() => runs(first.peerId, 'ran').length === runs(first.peerId, 'began').length, 10_000, 'the tasks in flight finished')
    const ranWhileFrozen = runs(first.peerId, 'ran').filter(e => e.ok === true && !handed.has(e.i))
    first.signal('SIGKILL')
    await first.exited
    const journalDir = join(dir, 'journal')
    const lifeOuts = (life: number): number[] => {
      const events = readRecord(record)
      const starts = events.flatMap((e, k) => e.ev === 'start' ? [k] : [])
      return events.slice(starts[life], starts[life + 1]).filter(e => e.ev === 'out').map(e => e.index)
    }
    const recorded = (): Set<number> => new Set(outs().map(e => e.index))
    const again = handledAtKill(logMarks(journalDir, 't'), lifeOuts(0), recorded())
    // in the job's hands before the freeze (the journal has them): not for the workers' caches to answer
    const savedBefore = new Set(logMarks(journalDir, 'r'))
    const answeredWhileDown = ranWhileFrozen.filter(e => !savedBefore.has(e.i))

    // second life: the same call re-opens the job; killed again mid-job
    const second = await spawnPeer(SCRIPT, args)
    requesters.push(second)
    expect(second.peerId).toBe(first.peerId)
    const before = outs().length
    await eventually(() => outs().length >= before + 10, 30_000, 'more results in the second life')
    second.signal('SIGKILL')
    await second.exited
    again.push(...handledAtKill(logMarks(journalDir, 't'), lifeOuts(1), recorded()))
    const secondLife = readRecord(record)
    const reopenedDispatches = secondLife.slice(secondLife.findIndex((e, k) => e.ev === 'start' && k > 0)).filter(e => e.ev === 'dispatch')

    // third life: finishes the job
    const third = await spawnPeer(SCRIPT, args)
    requesters.push(third)
    const end = await waitForEvent(third, e => e.ev === 'end' || e.ev === 'failed', 60_000, 'the job ended')
    const all = outs()
    const counts = new Map<number, number>()
    for (const index of all.map(out => out.index)) {
      counts.set(index, (counts.get(index) ?? 0) + 1)
    }
    const began = runs(first.peerId, 'began')
    console.log(`map job over 3 lives: ${all.length} results recorded (${again.length} handed over again, the kill having landed while the reader handled it); ${answeredWhileDown.length} tasks answered while the requester was frozen, collected from the workers' caches; ${began.length} handler runs for ${TASKS} tasks`)
    expect(end).toMatchObject({ ev: 'end', count: TASKS, right: true })
    expect(all.every(out => out.right === true)).toBe(true)
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: TASKS }, (_, n) => n))
    expect([...counts].filter(([index, count]) => count > (again.includes(index) ? 2 : 1))).toEqual([])
    // answered into the frozen process: sent again to that worker under the same id, not run again
    expect(answeredWhileDown.length).toBeGreaterThan(0)
    for (const done of answeredWhileDown) {
      expect(began.filter(e => e.i === done.i)).toHaveLength(1)
      expect(reopenedDispatches.filter(d => d.task === done.task).map(d => d.to)).toContain(done.worker)
    }
  }, 180_000)
})
