/**
 * Overload: tasks offered at twice the rate the mesh can serve, open loop
 * (a new task every few milliseconds, whatever comes back). Every task gets
 * an outcome — its result, or RateLimitedError once the workers' bounded
 * queues are full — and the workers' and the requester's memory stays
 * bounded: it levels off instead of growing with the backlog. The share of
 * the capacity served is printed as a figure, not asserted (speed belongs
 * to benchmarks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { rssMiB, watchMemory } from './memory.ts'
import { size } from './profile.ts'
import type { ChaosMesh } from './harness.ts'
import type { PeerProcess } from './proc.ts'

const WORKERS = 2
const CONCURRENCY = 8
const WORK_MS = 100
/** What the mesh can serve: each worker runs CONCURRENCY tasks of WORK_MS at once */
const CAPACITY_PER_S = WORKERS * CONCURRENCY * 1000 / WORK_MS
const RATE_PER_S = 2 * CAPACITY_PER_S
const DURATION_MS = size(15_000, 60_000)

describe(`overload: ${RATE_PER_S} tasks/s offered to a mesh that serves ${CAPACITY_PER_S}/s`, () => {
  let mesh: ChaosMesh

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: WORKERS, workerArgs: { concurrency: CONCURRENCY, workMs: WORK_MS, reportRuns: false } })
  }, 120_000)

  afterAll(async () => { await mesh?.stop() })

  it('every task gets its result or RateLimitedError; memory levels off', async () => {
    let requester: PeerProcess | undefined
    const watch = watchMemory(() => [...mesh.workers.map(w => w.pid), ...(requester != null ? [requester.pid] : [])])
    const baseline = new Map(mesh.workers.map(w => [w.pid, rssMiB(w.pid) ?? 0]))
    const summary = await runLoad(mesh, {
      rate: RATE_PER_S, durationMs: DURATION_MS, only: 'work', timeoutMs: 60_000, onRequester: r => { requester = r }
    })
    watch.stop()
    const outs = summary.requesterEvents.filter(e => e.ev === 'out')
    const report = [...watch.samples].map(([pid, rss]) => {
      const third = Math.floor(rss.length / 3)
      return {
        who: pid === requester?.pid ? 'requester' : `worker ${mesh.workers.findIndex(w => w.pid === pid)}`,
        start: baseline.get(pid) ?? rss[0],
        peak: Math.max(...rss),
        early: Math.max(...rss.slice(0, 2 * third)),
        late: Math.max(...rss.slice(2 * third))
      }
    })
    console.log(formatSummary(`overload: ${RATE_PER_S}/s offered for ${DURATION_MS / 1000} s, capacity ${CAPACITY_PER_S}/s`, summary))
    const maxLag = (events: Array<Record<string, any>>): number => Math.max(0, ...events.filter(e => e.ev === 'lag').map(e => e.max))
    console.log(`event loop delay, max: requester ${maxLag(summary.requesterEvents).toFixed(0)} ms, workers ${mesh.workers.map(w => maxLag(w.events).toFixed(0)).join(', ')} ms; suspects ${summary.requesterEvents.filter(e => e.ev === 'peer' && e.state === 'suspect').map(e => e.at - summary.requesterEvents[0].at).join(', ')}`)
    console.log(report.map(r => `${r.who}: RSS ${r.start.toFixed(0)} MiB at start, peak ${r.peak.toFixed(0)} MiB (first two thirds ${r.early.toFixed(0)}, last third ${r.late.toFixed(0)})`).join('\n'))

    // nothing silently dropped: one outcome per task, each a result or a refusal
    expect(outs.length).toBe(summary.sent)
    expect(summary.twice).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(Object.keys(summary.errors).filter(name => name !== 'RateLimitedError')).toEqual([])
    expect(summary.errors.RateLimitedError).toBeGreaterThan(0)
    // how many were served (against CAPACITY_PER_S) is a figure the summary prints, not a check
    expect(summary.completed).toBeGreaterThan(0)
    // bounded: no process grows without end while the backlog would
    for (const r of report) {
      expect(r.late).toBeLessThan(r.early * 1.25 + 32)
      expect(r.peak - r.start).toBeLessThan(256)
    }
  }, DURATION_MS + 180_000)
})
