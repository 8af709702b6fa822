/**
 * `npm run bench [-- --quick] [--only unary,streaming,...] [--out DIR]`
 *
 * Runs every case against every system, each side in its own process, and
 * writes DIR/results.json, DIR/chart.svg and the results tables (into
 * bench/README.md between its result markers when DIR is bench/, else
 * DIR/results.md). `--quick` runs small counts into bench/.tmp/quick.
 * `--only` reruns some cases and keeps the others' results from DIR;
 * `--report` only rewrites the chart and tables from DIR/results.json.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { bundleCase } from './cases/bundle.ts'
import { claimCase } from './cases/claim.ts'
import { consensusCase } from './cases/consensus.ts'
import { failoverCase } from './cases/failover.ts'
import { fanoutCase } from './cases/fanout.ts'
import { idleCase } from './cases/idle.ts'
import { mapCase } from './cases/map.ts'
import { overheadCase } from './cases/overhead.ts'
import { scaleCase } from './cases/scale.ts'
import { streamingCase } from './cases/streaming.ts'
import { trainingCase } from './cases/training.ts'
import { unaryCase } from './cases/unary.ts'
import { chart } from './report/chart.ts'
import { markdown } from './report/table.ts'
import { evaluate } from './report/targets.ts'
import { startBrokers } from './setup.ts'
import type { BenchContext } from './cases/context.ts'

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const README = join(BENCH_DIR, 'README.md')
const START_MARK = '<!-- results:start -->'
const END_MARK = '<!-- results:end -->'

const CASES: Record<string, { brokers: boolean, run: (ctx: BenchContext) => Promise<Record<string, any>> }> = {
  unary: { brokers: true, run: async ctx => unaryCase(ctx) },
  streaming: { brokers: true, run: async ctx => streamingCase(ctx) },
  claim: { brokers: false, run: claimCase },
  fanout: { brokers: true, run: async ctx => fanoutCase(ctx) },
  failover: { brokers: false, run: failoverCase },
  scale: { brokers: false, run: async ctx => scaleCase(ctx) },
  bundle: { brokers: false, run: bundleCase },
  idle: { brokers: false, run: idleCase },
  map: { brokers: true, run: mapCase },
  overhead: { brokers: false, run: overheadCase },
  consensus: { brokers: false, run: consensusCase },
  training: { brokers: false, run: trainingCase }
}

function commit (): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

/** Writes results.json, chart.svg and the tables; returns the output paths. */
export function writeReport (dir: string, results: Record<string, any>): string[] {
  mkdirSync(dir, { recursive: true })
  const targets = evaluate(results)
  results.targets = targets
  const written = [join(dir, 'results.json'), join(dir, 'chart.svg')]
  writeFileSync(written[0], `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(written[1], chart(results))
  const tables = markdown(results, targets)
  if (resolve(dir) === resolve(BENCH_DIR) && existsSync(README)) {
    const text = readFileSync(README, 'utf8')
    const start = text.indexOf(START_MARK)
    const end = text.indexOf(END_MARK)
    if (start >= 0 && end > start) {
      writeFileSync(README, `${text.slice(0, start + START_MARK.length)}\n${tables}\n${text.slice(end)}`)
      written.push(README)
    }
  } else {
    written.push(join(dir, 'results.md'))
    writeFileSync(written[written.length - 1], `${tables}\n`)
  }
  return written
}

export interface RunOptions {
  quick: boolean
  only?: string[]
  out?: string
  log?: (line: string) => void
}

/** Runs the bench; resolves with the results (failed cases carry `error`). */
export async function runBench (options: RunOptions): Promise<{ results: Record<string, any>, files: string[], failed: string[] }> {
  const log = options.log ?? ((line: string) => { process.stderr.write(`[bench] ${line}\n`) })
  const names = options.only ?? Object.keys(CASES)
  for (const name of names) {
    if (CASES[name] == null) {
      throw new Error(`unknown case "${name}"; cases: ${Object.keys(CASES).join(', ')}`)
    }
  }
  const dir = options.out ?? (options.quick ? join(BENCH_DIR, '.tmp', 'quick') : BENCH_DIR)
  const previous = options.only != null && existsSync(join(dir, 'results.json'))
    ? JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
    : {}
  const results: Record<string, any> = {
    ...previous,
    meta: {
      date: new Date().toISOString(),
      commit: commit(),
      node: process.version,
      cpus: cpus().length,
      loadAverage: loadavg()[0].toFixed(2),
      quick: options.quick,
      cases: names
    }
  }
  const brokers = names.some(n => CASES[n].brokers) ? await startBrokers(log) : undefined
  const ctx: BenchContext = {
    quick: options.quick,
    natsUrl: brokers?.natsUrl ?? '',
    redisUrl: brokers?.redisUrl ?? '',
    natsPid: brokers?.natsPid,
    redisPid: brokers?.redisPid,
    log
  }
  const failed: string[] = []
  try {
    for (const name of names) {
      const t0 = performance.now()
      try {
        results[name] = await CASES[name].run(ctx)
      } catch (err: any) {
        failed.push(name)
        results[name] = { error: String(err?.message ?? err) }
        log(`${name} failed: ${err?.message ?? err}`)
      }
      log(`${name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
  } finally {
    await brokers?.stop()
  }
  const files = writeReport(dir, results)
  return { results, files, failed }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, report: { type: 'boolean' } }
  })
  const reportOnly = (): { results: Record<string, any>, files: string[], failed: string[] } => {
    const dir = values.out ?? BENCH_DIR
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'))
    return { results, files: writeReport(dir, results), failed: [] }
  }
  const { results, files, failed } = values.report === true
    ? reportOnly()
    : await runBench({
      quick: values.quick === true,
      only: values.only?.split(',').map(s => s.trim()).filter(Boolean),
      out: values.out
    })
  for (const t of results.targets ?? []) {
    process.stdout.write(`${t.met == null ? 'n/a ' : t.met ? 'met ' : 'MISS'}  ${t.name}: ${t.value ?? '–'} ${t.unit} (target ${t.op} ${t.limit})${t.note != null ? `: ${t.note}` : ''}\n`)
  }
  process.stdout.write(`wrote ${files.join(', ')}\n`)
  if (failed.length > 0) {
    process.stderr.write(`failed cases: ${failed.join(', ')}\n`)
    process.exitCode = 1
  }
}
