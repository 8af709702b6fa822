/**
 * Case 6: how cost grows with the mesh. For each size N, the mesh runs
 * in one process (memory transport) and across several processes (TCP
 * loopback through a `meshwork relay`). Measured: presence convergence
 * (every peer knows every other alive), dispatch p50 from one peer, and
 * over an idle window CPU, memory and received traffic per peer.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { cpuMsOf, rssOf } from '../lib/proc-stats.ts'
import { startRelay } from '../lib/relay.ts'
import { round } from '../lib/stats.ts'
import type { ChildHandle, ChildMessage } from '../lib/child.ts'
import type { BenchContext } from './context.ts'

const HOST_NODE_ARGS = ['--expose-gc', '--max-old-space-size=4096']
/** Quiet time between convergence and the idle window. */
const SETTLE_MS = 2_000
/** A host's next event is awaited this long beyond its own create and converge deadlines. */
const EVENT_SLACK_MS = 60_000
/** Starting a process's peers may take this long before the process counts as saturated. */
const CREATE_TIMEOUT_MS = 120_000
/** A host writing its profile on exit is given this long. */
const EXIT_GRACE_MS = 20_000

export interface ScaleParams {
  sizes: number[]
  processes: number
  windowMs: number
  convergeTimeoutMs: number
  dispatch: { warmup: number, count: number, maxDurationMs: number }
  batch: number
  /** Starting a process's peers may take this long before the process counts as saturated */
  createTimeoutMs?: number
  /** Extra node flags of the scale hosts (e.g. --cpu-prof) */
  hostNodeArgs?: string[]
}

export function scaleParams (quick: boolean): ScaleParams {
  return quick
    ? { sizes: [5, 10], processes: 2, windowMs: 2_000, convergeTimeoutMs: 30_000, dispatch: { warmup: 10, count: 50, maxDurationMs: 10_000 }, batch: 10 }
    : { sizes: [10, 50, 100, 200], processes: 4, windowMs: 10_000, convergeTimeoutMs: 45_000, dispatch: { warmup: 200, count: 1_000, maxDurationMs: 20_000 }, batch: 25 }
}

/** Queues a child's events so they can be awaited by name, each wait bounded. */
function events (handle: ChildHandle, timeoutMs: number): (name: string) => Promise<ChildMessage> {
  const seen: ChildMessage[] = []
  const waiters: Array<{ name: string, resolve(msg: ChildMessage): void }> = []
  handle.onEvent((msg) => {
    const i = waiters.findIndex(w => w.name === msg.name)
    if (i >= 0) {
      waiters.splice(i, 1)[0].resolve(msg)
    } else {
      seen.push(msg)
    }
  })
  return async (name) => {
    const i = seen.findIndex(m => m.name === name)
    if (i >= 0) {
      return seen.splice(i, 1)[0]
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await new Promise<ChildMessage>((resolve, reject) => {
        waiters.push({ name, resolve })
        timer = setTimeout(() => { reject(new Error(`${handle.name}: no "${name}" within ${timeoutMs} ms`)) }, timeoutMs)
        handle.result.then(() => { reject(new Error(`${handle.name} ended before "${name}"`)) }, reject)
      })
    } finally {
      clearTimeout(timer)
    }
  }
}

function split (total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0)).filter(n => n > 0)
}

/** Runs one mesh of `total` peers; over TCP the relay's CPU is charged to the mesh too. */
export async function runMesh (params: ScaleParams, total: number, transport: 'memory' | 'tcp'): Promise<Record<string, unknown>> {
  const relay = transport === 'tcp' ? await startRelay() : undefined
  // over TCP the relay is one of the N peers, in a process of its own
  const counts = transport === 'memory' ? [total] : split(total - 1, params.processes)
  const createTimeoutMs = params.createTimeoutMs ?? CREATE_TIMEOUT_MS
  const hosts = counts.map((count, i) => spawnChild(`scale host ${i}`, benchFile('roles/scale-host.ts'), [JSON.stringify({
    transport, count, total, bootstrap: relay?.addr, convergeTimeoutMs: params.convergeTimeoutMs, createTimeoutMs, batch: params.batch
  })], { nodeArgs: [...HOST_NODE_ARGS, ...(params.hostNodeArgs ?? [])] }))
  const next = hosts.map(h => events(h, createTimeoutMs + params.convergeTimeoutMs + EVENT_SLACK_MS))
  try {
    const started = await Promise.all(next.map(async e => e('started')))
    const created = await Promise.all(next.map(async e => e('created')))
    const converged = await Promise.all(next.map(async e => e('converged')))
    const startAt = Math.min(...started.map(m => m.at))
    const convergeMs = Math.max(...converged.map(m => m.at)) - startAt
    await new Promise(resolve => setTimeout(resolve, SETTLE_MS))

    const relayCpu0 = relay != null ? cpuMsOf(relay.pid) : 0
    const t0 = performance.now()
    hosts.forEach(h => { h.tell({ cmd: 'window', ms: params.windowMs }) })
    const windows = await Promise.all(next.map(async e => e('window')))
    const relayCpuMs = relay != null ? cpuMsOf(relay.pid) - relayCpu0 : 0
    const relayRss = relay != null ? rssOf(relay.pid) : 0
    const seconds = (performance.now() - t0) / 1000

    hosts[0].tell({ cmd: 'dispatch', ...params.dispatch })
    const dispatch = await next[0]('dispatch')
    hosts.forEach(h => { h.tell({ cmd: 'stop' }) })
    await Promise.all(hosts.map(async h => h.result.catch(() => {})))
    // let them exit by themselves (a profile is written on exit)
    await Promise.all(hosts.map(async h => Promise.race([h.exited, new Promise(resolve => setTimeout(resolve, EXIT_GRACE_MS))])))

    const cpuMs = windows.reduce((a, w) => a + w.cpuMs, 0) + relayCpuMs
    const bytes: Record<string, number> = {}
    for (const w of windows) {
      for (const [protocol, v] of Object.entries(w.perProtocol as Record<string, { bytes: number }>)) {
        bytes[protocol] = (bytes[protocol] ?? 0) + v.bytes
      }
    }
    const hosted = counts.reduce((a, b) => a + b, 0)
    const totalBytes = Object.values(bytes).reduce((a, b) => a + b, 0)
    const perPeerPerSecond = (v: number): number => v / seconds / total
    return {
      peers: total,
      processes: counts.length + (relay != null ? 1 : 0),
      converged: converged.every(m => m.timedOut !== true),
      started: created.reduce((a, m) => a + m.peers, 0) + (relay != null ? 1 : 0),
      startMs: Math.round(Math.max(...created.map(m => m.at)) - startAt),
      convergeMs: Math.round(convergeMs),
      // when not converged: the fewest peers any peer knew alive, and the least informed tenth
      minKnown: Math.min(...converged.map(m => m.minKnown)),
      knownP10: Math.min(...converged.map(m => m.knownP10)),
      dispatch: { p50Ms: dispatch.p50Ms, p99Ms: dispatch.p99Ms, count: dispatch.count, errors: dispatch.errors },
      minKnownAfterWindow: Math.min(...windows.map(w => w.minKnown)),
      cpuPctPerPeer: round(100 * perPeerPerSecond(cpuMs) / 1000, 4),
      processCpuPct: round(100 * cpuMs / 1000 / seconds, 1),
      // growth of the hosting processes over their empty start, per peer hosted
      rssMBPerPeer: round(windows.reduce((a, w) => a + w.rssBytes, 0) / hosted / 2 ** 20, 2),
      heapMBPerPeer: round(windows.reduce((a, w) => a + w.heapBytes, 0) / hosted / 2 ** 20, 2),
      relayRssMB: relay != null ? round(relayRss / 2 ** 20, 1) : undefined,
      bytesPerPeerPerSecond: Math.round(perPeerPerSecond(totalBytes)),
      bytesPerPeerPerSecondByProtocol: Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, Math.round(perPeerPerSecond(v))])),
      presenceMessagesPerPeerPerSecond: round(windows.reduce((a, w) => a + w.presenceMessages, 0) / seconds / total, 2),
      // per host process, until convergence: table states, presence and sync totals, connections, load
      diagnosis: converged.map(m => m.diagnosis)
    }
  } finally {
    await Promise.all(hosts.map(async h => { await h.stop() }))
    await relay?.stop()
  }
}

export async function scaleCase (ctx: BenchContext, params = scaleParams(ctx.quick)): Promise<Record<string, any>> {
  const inProcess = []
  const multiProcess = []
  const brief = (r: Record<string, any>): string => r.error != null ? `failed: ${r.error}` : `started ${r.started} in ${r.startMs} ms, converged ${String(r.converged)} in ${r.convergeMs} ms (least known ${r.minKnown}), ` +
    `dispatch p50 ${r.dispatch.p50Ms} ms (${r.dispatch.errors} errors), ${r.cpuPctPerPeer}% CPU per peer`
  const run = async (n: number, transport: 'memory' | 'tcp'): Promise<Record<string, any>> => {
    try {
      return await runMesh(params, n, transport)
    } catch (err: any) {
      return { peers: n, error: String(err?.message ?? err) }
    }
  }
  for (const n of params.sizes) {
    ctx.log(`scale: ${n} peers in one process`)
    inProcess.push(await run(n, 'memory'))
    ctx.log(`  ${brief(inProcess[inProcess.length - 1])}`)
    ctx.log(`scale: ${n} peers in ${params.processes} processes + relay`)
    multiProcess.push(await run(n, 'tcp'))
    ctx.log(`  ${brief(multiProcess[multiProcess.length - 1])}`)
  }
  return { params, inProcess, multiProcess }
}
