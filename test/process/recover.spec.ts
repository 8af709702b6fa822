/**
 * `recover()` goes back to the worker that had the task and takes the result
 * it stored. A requester with a journal sends one job; once the job runs it
 * is stopped (SIGSTOP), the worker finishes and answers into the frozen
 * process, and the requester is killed without ever reading the answer.
 * Restarted with the same journal and key, it recovers the job: the task
 * goes to the same worker, whose result cache answers it — the handler does
 * not run again — and the application gets the right answer once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChaosMesh } from '../chaos/harness.ts'
import { REQUESTER_SCRIPT, killAll, spawnPeer, waitForEvent } from '../chaos/proc.ts'
import type { ChaosMesh } from '../chaos/harness.ts'
import type { PeerProcess } from '../chaos/proc.ts'

const WORKERS = 3
const WORK_MS = 1_500

describe('recover() after a requester died with an answered job', () => {
  let mesh: ChaosMesh
  let dir: string
  const requesters: PeerProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-recover-'))
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: 4, workMs: WORK_MS } })
  }, 60_000)

  afterAll(async () => {
    await killAll(requesters)
    await mesh?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends the job to its original worker and delivers the stored result; the handler runs once', async () => {
    const base = { bootstrap: [mesh.bootstrap], workers: WORKERS, services: ['work'], journal: join(dir, 'journal'), key: join(dir, 'key'), timeoutMs: 60_000 }
    const first = await spawnPeer(REQUESTER_SCRIPT, { ...base, only: 'work', tasks: 1, inFlight: 1 })
    requesters.push(first)
    const runs = (): Array<{ worker: PeerProcess, task: string, ok?: boolean, ev: string }> => mesh.workers.flatMap(worker =>
      worker.events.filter(e => (e.ev === 'began' || e.ev === 'ran') && e.req === first.peerId).map(e => ({ worker, task: e.task, ok: e.ok, ev: e.ev })))
    const began = await Promise.any(mesh.workers.map(async w => waitForEvent(w, e => e.ev === 'began' && e.req === first.peerId, 20_000, 'the job running')))
    // stopped as soon as the job runs: the journal's note of the worker must already be kept
    first.signal('SIGSTOP')
    const original = runs().find(r => r.ev === 'began')!.worker
    // the worker finishes and answers; the frozen requester never reads it
    await waitForEvent(original, e => e.ev === 'ran' && e.task === began.task, 10_000, 'the job done')
    expect(runs().find(r => r.ev === 'ran')?.ok).toBe(true)
    first.signal('SIGKILL')
    await first.exited
    expect(first.events.filter(e => e.ev === 'out')).toEqual([])

    const second = await spawnPeer(REQUESTER_SCRIPT, { ...base, only: 'work', recover: true })
    requesters.push(second)
    expect(second.peerId).toBe(first.peerId)
    const recovering = await waitForEvent(second, e => e.ev === 'recovering', 20_000, 'recover()')
    expect(recovering.count).toBe(1)
    await waitForEvent(second, e => e.ev === 'end', 20_000, 'the recovered job settled')

    const dispatches = second.events.filter(e => e.ev === 'dispatch')
    const outs = second.events.filter(e => e.ev === 'out')
    console.log(`recovered job ${began.task}: dispatched to ${dispatches.map(d => d.to === original.peerId ? 'the original worker' : 'another worker').join(', ')}; handler runs ${runs().filter(r => r.ev === 'began').length}`)
    expect(dispatches.map(d => [d.task, d.to])).toEqual([[began.task, original.peerId]])
    expect(outs).toMatchObject([{ ok: true, right: true, recovered: true }])
    expect(runs().filter(r => r.ev === 'began')).toHaveLength(1)
  })
})
