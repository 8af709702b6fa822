/**
 * The scale case alone, for chosen sizes, without touching the recorded
 * results: `node bench/scale/run.ts --sizes 200 --transport tcp`.
 * Prints one JSON line per mesh (the fields of the scale table).
 *
 * Options: `--sizes 100,200` (peers, relay included), `--transport
 * memory|tcp|both`, `--processes 4` (tcp), `--converge-timeout-ms`, `--create-timeout-ms`,
 * `--window-ms`, `--cpu-prof DIR` (a V8 profile per scale host, summed
 * by module and function on stderr), `--converge-only` (a token idle
 * window and dispatch, for looking at convergence alone).
 */
import { mkdirSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { runMesh, scaleParams } from '../cases/scale.ts'
import { summarizeProfile } from '../profile.ts'

/** Profile lines printed per section. */
const PROFILE_TOP = 20

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    transport: { type: 'string', default: 'both' },
    processes: { type: 'string' },
    'converge-timeout-ms': { type: 'string' },
    'create-timeout-ms': { type: 'string' },
    'window-ms': { type: 'string' },
    'cpu-prof': { type: 'string' },
    'converge-only': { type: 'boolean' }
  }
})

const params = scaleParams(false)
if (values.sizes != null) {
  params.sizes = values.sizes.split(',').map(Number)
}
if (values.processes != null) {
  params.processes = Number(values.processes)
}
if (values['converge-timeout-ms'] != null) {
  params.convergeTimeoutMs = Number(values['converge-timeout-ms'])
}
if (values['create-timeout-ms'] != null) {
  params.createTimeoutMs = Number(values['create-timeout-ms'])
}
if (values['window-ms'] != null) {
  params.windowMs = Number(values['window-ms'])
}
if (values['converge-only'] === true) {
  params.windowMs = 500
  params.dispatch = { warmup: 0, count: 1, maxDurationMs: 2_000 }
}
const profDir = values['cpu-prof'] != null ? resolve(values['cpu-prof']) : undefined
if (profDir != null) {
  mkdirSync(profDir, { recursive: true })
  params.hostNodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`]
}
const transports = values.transport === 'both' ? ['memory', 'tcp'] as const : [values.transport as 'memory' | 'tcp']
if (params.sizes.some(n => !Number.isInteger(n) || n < 2) || !transports.every(t => t === 'memory' || t === 'tcp')) {
  process.stderr.write('usage: node bench/scale/run.ts [--sizes 10,50] [--transport memory|tcp|both] [--processes 4] [--cpu-prof DIR]\n')
  process.exit(2)
}

for (const n of params.sizes) {
  for (const transport of transports) {
    let result: Record<string, unknown>
    try {
      result = await runMesh(params, n, transport)
    } catch (err: any) {
      result = { peers: n, error: String(err?.message ?? err) }
    }
    process.stdout.write(`${JSON.stringify({ transport, ...result })}\n`)
  }
}

if (profDir != null) {
  for (const file of readdirSync(profDir).filter(f => f.endsWith('.cpuprofile'))) {
    const summary = summarizeProfile(join(profDir, file))
    const pct = (ms: number): string => `${(100 * ms / summary.totalMs).toFixed(1).padStart(5)}%`
    process.stderr.write(`\n## ${file}: ${summary.totalMs.toFixed(0)} ms of CPU\nby module:\n`)
    for (const [name, ms] of summary.byModule.slice(0, PROFILE_TOP)) process.stderr.write(`  ${pct(ms)}  ${name}\n`)
    process.stderr.write('by function (self time):\n')
    for (const [name, ms] of summary.byFunction.slice(0, PROFILE_TOP)) process.stderr.write(`  ${pct(ms)}  ${name}\n`)
  }
}
