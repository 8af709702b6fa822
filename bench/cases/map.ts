/**
 * Case 9: jobs of many tasks. Throughput: one job of small JSON tasks over
 * 3 workers with 64 in flight, run by `node.map`, by a plain pool of
 * `request()` calls with the same concurrency, and by NATS request/reply to
 * a queue group with the same concurrency. Stragglers: the makespan of a
 * job of 20 ms tasks on 3 healthy workers, and with a fourth worker 10x
 * slower, from a requester warmed by one task per slot: `node.map` (speculative backups) against
 * the NATS queue group. Workers share one process; the requester is another.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { startRelay } from '../lib/relay.ts'
import { cpuMsOf } from '../lib/proc-stats.ts'
import { eachRun } from './quick.ts'
import type { BenchContext } from './context.ts'
import type { MapRunOptions } from '../roles/map-work.ts'

const THROUGHPUT_WORKERS = 3
const THROUGHPUT_CONCURRENCY = 64
const STRAGGLER_WORK_MS = 20
const STRAGGLER_SLOWDOWN = 10
const STRAGGLER_CONCURRENCY = 12

interface Run {
  system: 'meshwork' | 'nats'
  mode: 'map' | 'loop' | 'queue'
  workMs: number[]
  tasks: number
  concurrency: number
  warmup: number
}

/** One job on fresh workers (and relay) and a fresh requester. */
async function runJob (ctx: BenchContext, run: Run): Promise<Record<string, any>> {
  const relay = run.system === 'meshwork' ? await startRelay() : undefined
  const where = { bootstrap: relay?.addr, natsUrl: ctx.natsUrl }
  const server = spawnChild(`map ${run.system} workers`, benchFile('roles/map-server.ts'), [run.system, JSON.stringify({ workMs: run.workMs, ...where })], { expectReady: true })
  try {
    await server.ready
    const cpu0 = cpuMsOf(server.pid)
    const options: MapRunOptions = { workers: run.workMs.length, tasks: run.tasks, concurrency: run.concurrency, warmup: run.warmup, ...where }
    const client = spawnChild(`map ${run.system} ${run.mode} requester`, benchFile('roles/map-client.ts'), [run.system, run.mode, JSON.stringify(options)])
    try {
      const { type: _type, ...result } = await client.result
      result.serverCpuMs = Math.round(cpuMsOf(server.pid) - cpu0)
      return result
    } finally {
      await client.stop()
    }
  } finally {
    await server.stop()
    await relay?.stop()
  }
}

export async function mapCase (ctx: BenchContext): Promise<Record<string, any>> {
  const tasks = ctx.quick ? 2_000 : 20_000
  const healthy = Array.from({ length: THROUGHPUT_WORKERS }, () => 0)
  const throughputRuns = [['meshwork map', 'meshwork', 'map'], ['meshwork request() loop', 'meshwork', 'loop'], ['NATS queue group', 'nats', 'queue']] as const
  const throughputResults = await eachRun(ctx, throughputRuns, async ([name, system, mode]) => {
    ctx.log(`map throughput: ${name}`)
    return runJob(ctx, { system, mode, workMs: healthy, tasks, concurrency: THROUGHPUT_CONCURRENCY, warmup: Math.min(1_000, tasks) })
  })
  const throughput = Object.fromEntries(throughputRuns.map(([name], i) => [name, throughputResults[i]]))

  const stragglerTasks = ctx.quick ? 120 : 600
  const three = [STRAGGLER_WORK_MS, STRAGGLER_WORK_MS, STRAGGLER_WORK_MS]
  const withSlow = [...three, STRAGGLER_WORK_MS * STRAGGLER_SLOWDOWN]
  const stragglerRuns = [['meshwork map', 'meshwork', 'map'], ['NATS queue group', 'nats', 'queue']] as const
  const stragglerResults = await eachRun(ctx, stragglerRuns, async ([name, system, mode]) => {
    ctx.log(`map straggler: ${name}`)
    // warmed by one task per slot: connections up, the slow worker not yet told apart
    const base = { system, mode, tasks: stragglerTasks, concurrency: STRAGGLER_CONCURRENCY, warmup: STRAGGLER_CONCURRENCY }
    const alone = await runJob(ctx, { ...base, workMs: three })
    const slow = await runJob(ctx, { ...base, workMs: withSlow })
    return { healthyMs: alone.ms, withSlowMs: slow.ms, ratio: slow.ms / alone.ms, speculated: slow.speculated, wrong: alone.wrong + slow.wrong }
  })
  const straggler = Object.fromEntries(stragglerRuns.map(([name], i) => [name, stragglerResults[i]]))
  return {
    params: { tasks, workers: THROUGHPUT_WORKERS, concurrency: THROUGHPUT_CONCURRENCY, stragglerTasks, stragglerWorkMs: STRAGGLER_WORK_MS, slowdown: STRAGGLER_SLOWDOWN, stragglerConcurrency: STRAGGLER_CONCURRENCY },
    throughput,
    straggler
  }
}
