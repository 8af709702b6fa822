/**
 * Case 8: resident memory of an idle worker — `meshwork worker` joined to
 * a relay, serving echo, with no traffic — as an installed package runs
 * it: the compiled JavaScript of dist/ (what the tarball ships; the
 * command line is one bundled file there), beside the same worker run from the TypeScript sources (Node's
 * type stripping, as in a checkout).
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'
import { rssOf } from '../lib/proc-stats.ts'
import { startRelay } from '../lib/relay.ts'
import { median } from '../lib/stats.ts'
import { eachRun } from './quick.ts'
import type { BenchContext } from './context.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BINS = {
  compiled: `${ROOT}dist/node/cli/bin.js`,
  source: `${ROOT}node/cli/bin.ts`
}
/** Left alone this long after it is up, before sampling (quick runs: the second figure) */
const SETTLE_MS = [5_000, 1_000]
const SAMPLES = [10, 2]
const SAMPLE_EVERY_MS = 500
const START_TIMEOUT_MS = 30_000
const MB = 1024 * 1024

async function idleWorkerRss (bin: string, bootstrap: string, quick: boolean): Promise<number> {
  const child = spawn(process.execPath, [bin, 'worker', '--bootstrap', bootstrap, '--service', 'echo', '--handler', 'echo'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (t: string) => { stderr = (stderr + t).slice(-4000) })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`worker not up in time: ${stderr}`)) }, START_TIMEOUT_MS)
      child.once('exit', code => { clearTimeout(timer); reject(new Error(`worker exited (${code}): ${stderr}`)) })
      createInterface({ input: child.stdout }).on('line', line => {
        if (line.startsWith('peer ')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    child.removeAllListeners('exit')
    await delay(SETTLE_MS[quick ? 1 : 0])
    const samples: number[] = []
    for (let i = 0; i < SAMPLES[quick ? 1 : 0]; i++) {
      samples.push(rssOf(child.pid!))
      await delay(SAMPLE_EVERY_MS)
    }
    return median(samples)
  } finally {
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

export async function idleCase (ctx: BenchContext): Promise<Record<string, any>> {
  // a full run measures what the sources build to now; a quick one takes dist/ as it is
  if (!ctx.quick || !existsSync(BINS.compiled)) {
    ctx.log('idle worker memory: building dist/')
    execFileSync(process.execPath, [`${ROOT}node/tools/build.ts`], { cwd: ROOT, stdio: 'ignore' })
  }
  const runs = ctx.quick ? 1 : 3
  const relay = await startRelay()
  const out: Record<string, any> = { settleMs: SETTLE_MS[ctx.quick ? 1 : 0], runs }
  try {
    const bins = Object.entries(BINS)
    const measured = await eachRun(ctx, bins, async ([name, bin]) => {
      const rss: number[] = []
      for (let i = 0; i < runs; i++) {
        rss.push(await idleWorkerRss(bin, relay.addr, ctx.quick))
      }
      const figures = { rssMB: Math.round(median(rss) / MB * 10) / 10, runsMB: rss.map(b => Math.round(b / MB * 10) / 10) }
      ctx.log(`idle worker (${name}): ${figures.rssMB} MB`)
      return figures
    })
    bins.forEach(([name], i) => { out[name] = measured[i] })
  } finally {
    await relay.stop()
  }
  return out
}
