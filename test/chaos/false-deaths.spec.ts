/**
 * No false deaths: both cores saturated by busy processes while a requester
 * keeps load on the mesh. Every peer (relay, workers, requester) reports
 * whom it declares dead; nobody is killed, so every such declaration is
 * false. CI runs 30 s (three dead timeouts); `npm run chaos` the full 5 minutes.
 */
import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary, runLoad, startChaosMesh } from './harness.ts'
import { size } from './profile.ts'
import type { ChaosMesh } from './harness.ts'
import type { ChildProcess } from 'node:child_process'

const DURATION_MS = size(30_000, 300_000)
const HOG = fileURLToPath(new URL('./cpu-hog.ts', import.meta.url))

describe(`${DURATION_MS / 1000} s of load with every core saturated`, () => {
  let mesh: ChaosMesh
  const hogs: ChildProcess[] = []

  beforeAll(async () => {
    mesh = await startChaosMesh({ workers: 4, workerArgs: { concurrency: 16, workMs: 50, tokenDelayMs: 20 } })
  }, 120_000)

  afterAll(async () => {
    for (const hog of hogs) hog.kill('SIGKILL')
    await mesh?.stop()
  })

  it('no healthy peer is declared dead', async () => {
    // one busy process per core, each bounded in time even if this test dies
    for (let i = 0; i < availableParallelism(); i++) {
      hogs.push(spawn(process.execPath, [HOG, String(DURATION_MS + 15_000)], { stdio: 'ignore' }))
    }
    const summary = await runLoad(mesh, { durationMs: DURATION_MS, inFlight: 16, timeoutMs: 120_000 })
    console.log(formatSummary(`no false deaths: ${DURATION_MS / 1000} s, ${hogs.length} busy processes on ${availableParallelism()} cores`, summary))

    expect(summary.falseDeaths).toEqual([])
    expect(summary.lost).toBe(0)
    expect(summary.twice).toBe(0)
    expect(summary.extraRuns).toBe(0)
    expect(summary.wrong).toBe(0)
    expect(summary.sent).toBeGreaterThan(0)
  }, DURATION_MS + 180_000)
})
