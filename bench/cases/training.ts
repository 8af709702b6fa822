/**
 * Case 12: training time-to-accuracy. The training demo
 * (`demos/training/run.ts`, real trainer processes on one mesh, the
 * coordinator elected through the consensus group) run with 1, 2 and 4
 * workers and no faults, until the committed model scores the target on the
 * held-out digits: the wall time from every trainer being up to that
 * commit, and the rounds it took. Every run uses the same seed and
 * settings; only the number of trainers changes.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { BenchContext } from './context.ts'

const DEMO = fileURLToPath(new URL('../../demos/training/run.ts', import.meta.url))
/** Worker counts compared */
export const TRAINING_WORKERS = [1, 2, 4]
/** Test accuracy the committed model must reach */
const TARGET_ACCURACY = 0.93
const QUICK_TARGET_ACCURACY = 0.85
/** Rounds a run may take at most before it counts as not reaching the target */
const MAX_ROUNDS = 60
const QUICK_MAX_ROUNDS = 20
const SEED = 1
const RUN_TIMEOUT_MS = 10 * 60_000

export async function trainingCase (ctx: BenchContext): Promise<Record<string, any>> {
  const target = ctx.quick ? QUICK_TARGET_ACCURACY : TARGET_ACCURACY
  const maxRounds = ctx.quick ? QUICK_MAX_ROUNDS : MAX_ROUNDS
  const runs: Array<Record<string, any>> = []
  for (const workers of TRAINING_WORKERS) {
    ctx.log(`training: ${workers} worker(s) to ${(100 * target).toFixed(0)}%`)
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-bench-train-'))
    try {
      const t0 = performance.now()
      await promisify(execFile)(process.execPath, [DEMO, '--workers', String(workers), '--rounds', String(maxRounds), '--seed', String(SEED),
        '--until-accuracy', String(target), '--out', dir], { timeout: RUN_TIMEOUT_MS })
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))
      runs.push({
        workers,
        reached: report.timeToAccuracyMs != null,
        timeToAccuracyMs: report.timeToAccuracyMs,
        roundsToAccuracy: report.roundsToAccuracy,
        samplesToAccuracy: report.roundsToAccuracy == null ? null : report.samples,
        accuracy: report.accuracy,
        bytesSent: report.bytesSent,
        runMs: Math.round(performance.now() - t0)
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return { params: { targetAccuracy: target, maxRounds, seed: SEED }, runs }
}
