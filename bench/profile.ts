/**
 * `node bench/profile.ts [unary|stream|fanout] [--seconds N] [--in-flight N] [--json] [--no-prof] [--telemetry metrics|tracing]`:
 * runs meshwork's requester and worker under `--cpu-prof` on the unary
 * (64 calls in flight unless told, 256 bytes or with `--json` a JSON
 * value), streaming or fan-out path (the bench's case: 256 bytes to 10
 * workers in one process, gathered one at a time, 1,000 to warm up and
 * `--count` timed) and names where their CPU goes: self time by
 * function and by module (meshwork's own files, each dependency, Node
 * internals, GC). Profiles land in bench/profiles/. It also prints CPU
 * per request over requester, worker and relay; `--no-prof` measures only
 * that, without the profiler's own cost. `--telemetry` turns metrics on in
 * both peers, or exports their traces to an OTLP/HTTP receiver in this
 * process.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runSystemCase } from './cases/context.ts'
import { FANOUT_CONCURRENCY, FANOUT_WORKERS, fanoutParams } from './cases/fanout.ts'
import { startOtlpReceiver } from './lib/otlp-receiver.ts'
import { cpuPerCall } from './report/table.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const OUT = join(ROOT, 'bench', 'profiles')
const TOP = 25

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Which module a frame belongs to: a dependency, one of our files, or Node. */
function moduleOf (url: string, name: string): string {
  if (url === '') {
    return name.startsWith('(') ? name : '(native)'
  }
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (url.startsWith('node:')) {
    return 'node internals'
  }
  if (url.startsWith('file://')) {
    return relative(ROOT, fileURLToPath(url))
  }
  return url
}

export function summarizeProfile (file: string): { totalMs: number, byFunction: Array<[string, number]>, byModule: Array<[string, number]> } {
  const profile: CpuProfile = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const fn = new Map<string, number>()
  const mod = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    const us = profile.timeDeltas[i] ?? 0
    if (node == null) return
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)' || functionName === '(program)') return
    total += us
    const m = moduleOf(url, functionName)
    const key = `${functionName || '(anonymous)'} ${m}:${lineNumber + 1}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    mod.set(m, (mod.get(m) ?? 0) + us)
  })
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / 1000])
  return { totalMs: total / 1000, byFunction: sorted(fn).slice(0, TOP), byModule: sorted(mod).slice(0, TOP) }
}

function print (title: string, summary: ReturnType<typeof summarizeProfile>): void {
  const pct = (ms: number): string => `${(100 * ms / summary.totalMs).toFixed(1).padStart(5)}%`
  console.log(`\n## ${title}: ${summary.totalMs.toFixed(0)} ms of CPU (idle excluded)\n`)
  console.log('by module:')
  for (const [name, ms] of summary.byModule.slice(0, 15)) console.log(`  ${pct(ms)}  ${name}`)
  console.log('by function (self time):')
  for (const [name, ms] of summary.byFunction) console.log(`  ${pct(ms)}  ${name}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { seconds: { type: 'string' }, 'in-flight': { type: 'string' }, count: { type: 'string' }, json: { type: 'boolean' }, 'no-prof': { type: 'boolean' }, telemetry: { type: 'string' } },
    allowPositionals: true
  })
  const which = positionals[0] ?? 'unary'
  const seconds = Number(values.seconds ?? 5)
  const inFlight = Number(values['in-flight'] ?? 64)
  const prof = values['no-prof'] !== true
  rmSync(OUT, { recursive: true, force: true })
  const dirs = { requester: join(OUT, 'requester'), worker: join(OUT, 'worker') }
  mkdirSync(dirs.requester, { recursive: true })
  mkdirSync(dirs.worker, { recursive: true })
  const ctx = { quick: true, natsUrl: '', redisUrl: '', log: (l: string) => { console.error(l) } }
  const params = which === 'stream'
    ? { runs: Math.max(10, seconds * 20), tokens: 1_000, warmup: 5 }
    : which === 'fanout'
      ? { ...fanoutParams(false), count: Number(values.count ?? 2_000), maxDurationMs: seconds * 1000 }
      : { warmup: 500, count: 1_000, maxDurationMs: 5_000, inFlight: [inFlight], throughputMs: seconds * 1000, maxCalls: 1_000_000, json: values.json === true }
  const layout = which === 'fanout' ? { workers: FANOUT_WORKERS, concurrency: FANOUT_CONCURRENCY } : {}
  const receiver = values.telemetry === 'tracing' ? await startOtlpReceiver() : undefined
  const profArgs = prof
    ? { clientNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dirs.requester}`], serverNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dirs.worker}`] }
    : {}
  const result = await runSystemCase(ctx, 'meshwork', which, params, {
    ...layout,
    metrics: values.telemetry === 'metrics',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver?.endpoint ?? '' },
    ...profArgs
  })
  await receiver?.close()
  console.log(JSON.stringify(which === 'stream'
    ? { chunksPerSecond: result.chunksPerSecond, firstChunk: result.firstChunk }
    : which === 'fanout'
      ? { latency: result.latency, incomplete: result.incomplete }
      : { latency: result.latency, throughput: result.throughput }))
  const cpuUs = cpuPerCall(result)
  if (cpuUs != null) {
    console.log(`CPU per ${which === 'fanout' ? 'gather' : 'request'}: ${cpuUs.toFixed(1)} µs (requester ${(1000 * result.requesterCpuMs / result.calls).toFixed(1)}, ` +
      `worker ${(1000 * result.serverCpuMs / result.calls).toFixed(1)}, relay ${(1000 * result.brokerCpuMs / result.calls).toFixed(1)}) over ${result.calls as number} calls`)
  }
  for (const side of ['requester', 'worker'] as const) {
    const files = readdirSync(dirs[side]).filter(f => f.endsWith('.cpuprofile'))
    for (const f of files) print(`${which}, ${side}`, summarizeProfile(join(dirs[side], f)))
  }
}
