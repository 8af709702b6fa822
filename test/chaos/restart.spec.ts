/**
 * A requester with a LevelDB journal and a key on disk is SIGKILLed with
 * tasks in flight, then started again with the same journal and key and
 * runs `recover()`. Counted across both runs:
 *
 * - delivered: an outcome line the requester printed (the application saw it);
 * - recorded: tasks the journal held when the process died (read from the
 *   journal directory between the runs);
 * - every task delivered in the first run or recorded at the crash is
 *   delivered exactly once over both runs, with the right content;
 * - a task is in the journal once `request()` / `stream()` returned, so every
 *   task the requester called is among them;
 * - every task that began on a worker reached the requester's code (an
 *   outcome line) in one run or the other, unless the killed process had
 *   already forgotten it in its journal log: the journal forgets a task as
 *   its outcome is handed over, so a crash before that point leaves it for
 *   `recover()`, and only a crash between the forget and the caller's code
 *   (the outcomes of one batch of frames are forgotten, then handed over)
 *   can lose one. Those are counted, and nothing else may be missing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { levelJournal } from '../../node/journal.ts'
import { decodeJournalRecord } from '../../src/journal/journal.ts'
import { countRanTwice, startChaosMesh } from './harness.ts'
import { size } from './profile.ts'
import { readRecord } from './peer-common.ts'
import { REQUESTER_SCRIPT, killAll, spawnPeer, waitForEvent } from './proc.ts'
import { taskIndex } from './workload.ts'
import type { ChaosMesh } from './harness.ts'
import type { PeerEvent, PeerProcess } from './proc.ts'

const TASKS = size(300, 2_000)
const ROUNDS = size(2, 5)

describe('a requester killed mid-flight and restarted with its journal', () => {
  let mesh: ChaosMesh
  let dir: string
  const procs: PeerProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-journal-'))
    mesh = await startChaosMesh({ workers: 3, workerArgs: { concurrency: 32, workMs: 400, tokenDelayMs: 20 } })
  }, 120_000)

  afterAll(async () => {
    await killAll(procs)
    await mesh?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('every recorded task is delivered once across the restarts, none twice', async () => {
    const key = join(dir, 'key')
    const journal = join(dir, 'journal')
    const base = { bootstrap: [mesh.bootstrap], workers: 3, journal, key, timeoutMs: 120_000 }
    const delivered = new Map<number, PeerEvent[]>()
    const called = new Set<number>()
    const recordedAtCrash = new Set<number>()
    // tasks whose forget line the killed process wrote to its journal log (read before the log is replayed)
    const forgottenAtCrash = new Set<number>()
    const readForgotten = (): void => {
      const path = join(journal, 'meshwork-log')
      if (!existsSync(path)) return
      const indexOf = new Map<string, number>()
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        try {
          if (line.startsWith('+')) {
            const record = decodeJournalRecord(Buffer.from(line.slice(1), 'base64'))
            indexOf.set(record.id, taskIndex(JSON.parse(new TextDecoder().decode(record.input.data))))
          } else if (line.startsWith('-')) {
            const i = indexOf.get(decodeURIComponent(line.slice(1)))
            if (i != null) forgottenAtCrash.add(i)
          }
        } catch {}
      }
    }
    let unrecorded = 0
    let recovered = 0
    // what each process handed its application, written synchronously (stdout may be lost at a SIGKILL)
    const collect = (file: string): void => {
      for (const e of readRecord(file) as PeerEvent[]) {
        if (e.ev === 'sent') called.add(e.i)
        if (e.ev === 'out') delivered.set(e.i, [...(delivered.get(e.i) ?? []), e])
      }
    }

    for (let round = 0; round < ROUNDS; round++) {
      // each round: send a batch and die mid-flight, then recover what the journal holds
      const sending = join(dir, `send-${round}.jsonl`)
      const requester = await spawnPeer(REQUESTER_SCRIPT, {
        ...base, tasks: TASKS, firstTask: round * TASKS, inFlight: 64, reportSent: true, record: sending
      })
      procs.push(requester)
      const target = round * TASKS + Math.floor(TASKS / 4)
      await waitForEvent(requester, e => e.ev === 'out' && e.i >= target, 60_000, 'a quarter of the batch delivered')
      requester.signal('SIGKILL')
      await requester.exited
      collect(sending)
      readForgotten()

      const store = await levelJournal(journal)
      const pending = await store.pending()
      await store.close()
      for (const record of pending) {
        recordedAtCrash.add(taskIndex(JSON.parse(new TextDecoder().decode(record.input.data))))
      }
      expect(pending.length).toBeGreaterThan(0)

      const recovering = join(dir, `recover-${round}.jsonl`)
      const restarted = await spawnPeer(REQUESTER_SCRIPT, { ...base, recover: true, record: recovering })
      procs.push(restarted)
      const started = await waitForEvent(restarted, e => e.ev === 'recovering', 30_000, 'recover()')
      expect(started.count).toBe(pending.length)
      recovered += started.count
      await waitForEvent(restarted, e => e.ev === 'end', 120_000, 'recovered tasks settled')
      await restarted.exited
      collect(recovering)
    }

    const deliveredOnce = [...delivered.values()]
    const twice = deliveredOnce.filter(list => list.length > 1)
    const wrong = deliveredOnce.filter(list => !list[0].ok || list[0].right !== true)
    const missing = [...recordedAtCrash].filter(i => !delivered.has(i))
    const dispatched = new Set(mesh.workers.flatMap(w => w.events.filter(e => e.ev === 'began').map(e => e.i)))
    // began on a worker, so recorded before its dispatch: it must have reached the caller's code
    const startedUndelivered = [...dispatched].filter(i => !delivered.has(i))
    // lost only if the killed process had forgotten it, as it handed the outcome over
    const lostOutsideHandOver = startedUndelivered.filter(i => !forgottenAtCrash.has(i))
    for (const i of called) {
      if (!delivered.has(i) && !recordedAtCrash.has(i) && !dispatched.has(i)) {
        // called, not dispatched, not delivered and not in the journal: its record never reached the disk
        unrecorded++
      }
    }
    const ranTwice = countRanTwice(mesh.workers)
    console.log([
      `== requester restarts: ${ROUNDS} SIGKILLs, batches of ${TASKS} ==`,
      `tasks called ${called.size}, recorded at the crashes ${recordedAtCrash.size}, recovered ${recovered}`,
      `delivered ${delivered.size}, lost ${missing.length}, delivered twice ${twice.length}, wrong ${wrong.length}`,
      `called but neither recorded nor delivered: ${unrecorded}`,
      `began on a worker, yet never reached the caller's code: ${startedUndelivered.length} of ${dispatched.size}` +
        ` (forgotten in the killed process's journal as it was handed over: ${startedUndelivered.length - lostOutsideHandOver.length})`,
      `handlers completed twice on the workers: ${ranTwice}`
    ].join('\n'))
    expect(missing).toEqual([])
    expect(dispatched.size).toBeGreaterThan(0)
    expect(lostOutsideHandOver).toEqual([])
    expect(unrecorded).toBe(0)
    expect(twice).toEqual([])
    expect(wrong).toEqual([])
    expect(recovered).toBe(recordedAtCrash.size)
  }, size(240_000, 900_000))
})
