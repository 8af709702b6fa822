/**
 * The seeded safety simulation. `npm test` runs 400 schedules; `CHAOS_FULL=1`
 * runs 10,000; `RAFT_SEED=n` replays one (`RAFT_SEEDS`, `RAFT_STEPS` set the
 * count and length).
 */
import { describe, expect, it } from 'vitest'
import { runSchedule } from './schedule.ts'
import type { ScheduleStats } from './schedule.ts'

const FULL = process.env.CHAOS_FULL === '1'
const ONE = process.env.RAFT_SEED
const COUNT = Number(process.env.RAFT_SEEDS ?? (FULL ? 10_000 : 400))
const SEEDS = ONE !== undefined ? [Number(ONE)] : Array.from({ length: COUNT }, (_, i) => i + 1)
const STEPS = Number(process.env.RAFT_STEPS ?? (FULL ? 3_000 : 2_000))
const SEEDS_PER_TEST = FULL ? 1_000 : 100
const TEST_TIMEOUT_MS = FULL ? 600_000 : 60_000
const MAX_FAILURES_SHOWN = 5

const total: ScheduleStats = { acked: 0, terms: 0, snapshots: 0, confChanges: 0, transfers: 0, reads: 0, crashes: 0 }

describe('raft seeded simulation', () => {
  for (let from = 0; from < SEEDS.length; from += SEEDS_PER_TEST) {
    const seeds = SEEDS.slice(from, from + SEEDS_PER_TEST)
    it(`keeps every safety property over seeds ${seeds[0]}–${seeds[seeds.length - 1]} (${STEPS} steps each) and recovers after each`, () => {
      const failures: string[] = []
      const started = Date.now()
      for (const seed of seeds) {
        try {
          const s = runSchedule(seed, STEPS)
          for (const k of Object.keys(total) as Array<keyof ScheduleStats>) total[k] += s[k]
        } catch (err) {
          const replay = `RAFT_SEED=${seed} npx vitest run test/consensus/simulation.spec.ts`
          failures.push(`seed ${seed}: ${(err as Error).stack ?? String(err)}\n  replay: ${replay}`)
          // eslint-disable-next-line no-console
          console.error(`raft simulation failed at seed ${seed}: ${(err as Error).message}\n  replay: ${replay}`)
          if (failures.length >= MAX_FAILURES_SHOWN) break
        }
      }
      // eslint-disable-next-line no-console
      console.log(`raft simulation: seeds ${seeds[0]}–${seeds[seeds.length - 1]} in ${Date.now() - started} ms`)
      expect(failures).toEqual([])
    }, TEST_TIMEOUT_MS)
  }

  it.skipIf(ONE !== undefined)('the schedules exercised what they claim to', () => {
    // eslint-disable-next-line no-console
    console.log('raft simulation totals', total)
    for (const k of Object.keys(total) as Array<keyof ScheduleStats>) expect(total[k], k).toBeGreaterThan(0)
  })
})
