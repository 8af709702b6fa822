/**
 * The results as Markdown tables, for bench/README.md.
 */
import { consensusTable } from './consensus-table.ts'
import { growth } from './growth.ts'
import type { Target } from './targets.ts'

const n = (v: unknown, digits = 2): string => typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–'
const kb = (bytes: unknown): string => typeof bytes === 'number' ? `${(bytes / 1000).toFixed(1)} KB` : '–'

function table (head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ].join('\n')
}

/** CPU of requester, worker and broker or relay per request made (robust to a busy machine). */
export function cpuPerCall (r: any): number | undefined {
  if (r?.calls == null || r.calls === 0) return undefined
  return 1000 * ((r.requesterCpuMs ?? 0) + (r.serverCpuMs ?? 0) + (r.brokerCpuMs ?? 0)) / r.calls
}

function convergence (r: any, timeoutMs: number): string {
  if (r.error != null) return `**failed**: ${String(r.error).split('\n')[0]}`
  if (r.started != null && r.started < r.peers) return `**only ${n(r.started)} peers started in 120 s**`
  if (r.converged === false) return `**not in ${n(timeoutMs)}**: fewest known ${n(r.minKnown)} of ${n(r.peers - 1)}, 10th percentile ${n(r.knownP10)}`
  return n(r.convergeMs)
}

const perSecondAt = (r: any, inFlight: number): number | undefined => r?.throughput?.find((t: any) => t.inFlight === inFlight)?.perSecond
const ratioText = (a?: number, b?: number): string => a != null && b != null && b > 0 ? `${n(a / b)}x` : '–'
/** The in-flight counts the unary table shows */
const UNARY_COLUMNS = [1, 16, 32, 64]

export function markdown (results: Record<string, any>, targets: Target[]): string {
  const out: string[] = []
  const meta = results.meta ?? {}
  out.push(`Run of ${meta.date ?? '?'} at commit \`${meta.commit ?? '?'}\`, Node ${meta.node ?? '?'}, ${meta.cpus ?? '?'} cores, ` +
    `load average ${meta.loadAverage ?? '?'} at start${meta.quick === true ? ', **quick mode (small counts: not for comparison)**' : ''}.`)

  out.push('### Targets\n')
  out.push(table(['goal', 'measured', 'target', 'met'], targets.map(t => [
    t.name, t.value == null ? '–' : `${n(t.value, 3)} ${t.unit}`, `${t.op} ${n(t.limit)} ${t.unit}`,
    t.met == null ? 'not run' : t.met ? 'yes' : t.note != null ? `**no**: ${t.note}` : '**no**'
  ])))

  const unary = results.unary as Record<string, any> | undefined
  if (unary != null) {
    out.push('\n### 1. Unary request/reply, 256 B (raw bytes, and a JSON value of that size: rows "json")\n')
    out.push('Ratios are against NATS with the same payload (`nats` for bytes, `nats json` for JSON) in the same run.\n')
    const cols = UNARY_COLUMNS.map(c => `${c} in flight`)
    out.push(table(['system', 'p50 ms', 'p99 ms', ...cols.map((c, i) => i === 0 ? `req/s, ${c}` : c), `vs NATS at ${UNARY_COLUMNS.join(' / ')}`, '64: vs libp2p pooled', 'CPU µs per request, all processes', 'CPU vs NATS', 'errors'],
      Object.entries(unary).map(([system, r]) => {
        const nats = unary[system.endsWith(' json') ? 'nats json' : 'nats']
        const floor = unary[system.endsWith(' json') ? 'libp2p-pooled json' : 'libp2p-pooled']
        const errors = (r.latency?.errors ?? 0) + (r.throughput ?? []).reduce((a: number, t: any) => a + t.errors, 0)
        const vs = UNARY_COLUMNS.map(k => ratioText(perSecondAt(r, k), perSecondAt(nats, k))).join(' / ')
        return [system, n(r.latency?.p50Ms, 3), n(r.latency?.p99Ms, 3), ...UNARY_COLUMNS.map(k => n(perSecondAt(r, k))), vs,
          ratioText(perSecondAt(r, 64), perSecondAt(floor, 64)), n(cpuPerCall(r), 0), ratioText(cpuPerCall(r), cpuPerCall(nats)), String(errors)]
      })))
  }

  const streaming = results.streaming as Record<string, any> | undefined
  if (streaming != null) {
    out.push('\n### 2. Streaming a 1,000-token reply\n')
    out.push(table(['system', 'chunks/s (median run)', 'best run', 'first chunk p50 ms', 'first chunk p99 ms', 'runs', 'errors'],
      Object.entries(streaming).map(([system, r]) => [system, n(r.chunksPerSecond), n(r.bestChunksPerSecond), n(r.firstChunk?.p50Ms, 3), n(r.firstChunk?.p99Ms, 3), n(r.completed), n(r.errors)])))
  }

  const claim = results.claim
  if (claim != null) {
    out.push(`\n### 3. Broadcast claim: call to first byte (${claim.workers} workers)\n`)
    out.push(table(['dispatch', 'p50 ms', 'p99 ms', 'calls', 'errors'], ['broadcast', 'direct'].map(mode => [
      mode === 'broadcast' ? 'broadcast claim (topic, offer, grant)' : 'direct (known worker)', n(claim[mode]?.p50Ms, 3), n(claim[mode]?.p99Ms, 3), n(claim[mode]?.count), n(claim[mode]?.errors)
    ])))
  }

  const fanout = results.fanout as Record<string, any> | undefined
  if (fanout != null) {
    out.push('\n### 4. Fan-out to 10 workers and gather\n')
    out.push(table(['system', 'p50 ms', 'p99 ms', 'gathers/s (one at a time)', 'incomplete'],
      Object.entries(fanout).map(([system, r]) => [system, n(r.latency?.p50Ms, 3), n(r.latency?.p99Ms, 3), n(r.gathersPerSecond), n(r.incomplete)])))
  }

  const failover = results.failover
  if (failover != null) {
    out.push('\n### 5. Failover after SIGKILL of the serving worker\n')
    out.push(table(['runs ok / runs', 'SIGKILL to completion: p50 ms', 'worst ms', 'SIGKILL to re-dispatch: p50 ms', 'worst ms'], [[
      `${failover.completed} / ${failover.runs}`, n(failover.killToComplete?.p50Ms, 1), n(failover.killToComplete?.maxMs, 1),
      n(failover.killToRedispatch?.p50Ms, 1), n(failover.killToRedispatch?.maxMs, 1)
    ]]))
  }

  const scale = results.scale
  if (scale != null) {
    out.push('\n### 6. Scale\n')
    const rows = [...(scale.inProcess ?? []).map((r: any) => ['one process', r]), ...(scale.multiProcess ?? []).map((r: any) => [`${r.processes - 1} processes + relay`, r])]
    out.push(table(['mesh', 'peers', 'converged in ms (else: fewest peers a peer knew)', 'dispatch p50 ms', 'p99 ms', 'idle CPU per peer, % of a core', 'RSS per peer MB', 'traffic per peer B/s', 'announcements received per peer per s'],
      rows.map(([mode, r]: [string, any]) => [mode, n(r.peers), convergence(r, scale.params?.convergeTimeoutMs),
        n(r.dispatch?.p50Ms, 3), n(r.dispatch?.p99Ms, 3), n(r.cpuPctPerPeer, 3), n(r.rssMBPerPeer), n(r.bytesPerPeerPerSecond), n(r.presenceMessagesPerPeerPerSecond)])))
    const gIn = growth(scale.inProcess ?? [])
    const gMulti = growth(scale.multiProcess ?? [])
    if (gIn.length > 0) {
      out.push('\nGrowth with N (exponent b of a fit y ~ N^b over the sizes measured; b = 0 is flat per peer, 1 is linear), projected along the fit:\n')
      out.push(table(['per-peer figure', 'b, one process', `at ${gIn[0].largest} peers, one process`, `projected at ${n(gIn[0].projectTo)} peers`, 'b, multi-process'],
        gIn.map((g, i) => [g.metric, n(g.exponent), n(g.atLargest, 3), n(g.projected, 3), n(gMulti[i]?.exponent)])))
      out.push('\nOnly meshes that converged enter a fit; a column of dashes means fewer than two did. With two sizes a fit is the slope between ' +
        'two points: a projection says what that slope implies, not what a large mesh would do (the text below reasons from the design instead).')
    }
  }

  const bundle = results.bundle
  if (bundle != null) {
    out.push('\n### 7. Browser bundle (Vite, minified + gzip -9)\n')
    out.push(table(['bundle', 'min', 'min+gzip'], [
      ['libp2p stack alone', kb(bundle.libp2pStack?.minBytes), kb(bundle.libp2pStack?.gzipBytes)],
      ['with meshwork', kb(bundle.meshwork?.minBytes), kb(bundle.meshwork?.gzipBytes)],
      ['**meshwork adds**', kb(bundle.addedMinBytes), `**${kb(bundle.addedGzipBytes)}**`]
    ]))
    out.push(`\nMeasured by ${bundle.source}.`)
  }

  const idle = results.idle
  if (idle != null && idle.error == null) {
    out.push('\n### 8. Idle worker memory (RSS)\n')
    out.push(table(['`meshwork worker`, joined, serving echo, no traffic', 'RSS (median)', 'runs'], [
      ['compiled (dist/, as installed)', `**${n(idle.compiled?.rssMB)} MB**`, (idle.compiled?.runsMB ?? []).join(', ')],
      ['TypeScript sources (type stripping)', `${n(idle.source?.rssMB)} MB`, (idle.source?.runsMB ?? []).join(', ')]
    ]))
    out.push(`\nSampled ${n(idle.settleMs / 1000)} s after the worker is up (bench/cases/idle.ts).`)
  }
  const map = results.map
  if (map?.throughput != null) {
    const p = map.params ?? {}
    const loop = map.throughput['meshwork request() loop']?.perSecond
    const nats = map.throughput['NATS queue group']?.perSecond
    out.push(`\n### 9. Jobs of many tasks: map\n`)
    out.push(`One job of ${n(p.tasks)} JSON tasks (no work) over ${n(p.workers)} workers, ${n(p.concurrency)} in flight:\n`)
    out.push(table(['requester', 'tasks/s', 'vs request() loop', 'vs NATS queue group', 'job ms', 'backups', 'CPU ms, requester + workers', 'wrong'],
      Object.entries(map.throughput).map(([name, r]: [string, any]) => [name, n(r.perSecond), loop != null ? `${n(r.perSecond / loop)}x` : '–',
        nats != null ? `${n(r.perSecond / nats)}x` : '–', n(r.ms, 0), n(r.speculated), n((r.requesterCpuMs ?? 0) + (r.serverCpuMs ?? 0)), n(r.wrong)])))
    out.push(`\nStragglers: ${n(p.stragglerTasks)} tasks of ${n(p.stragglerWorkMs)} ms, ${n(p.stragglerConcurrency)} in flight, on 3 workers, then with a fourth ${n(p.slowdown)}x slower:\n`)
    out.push(table(['requester', 'makespan, 3 healthy workers (ms)', 'with a 10x slow 4th (ms)', 'ratio', 'backups', 'wrong'],
      Object.entries(map.straggler ?? {}).map(([name, r]: [string, any]) => [name, n(r.healthyMs, 0), n(r.withSlowMs, 0), `${n(r.ratio)}x`, n(r.speculated), n(r.wrong)])))
  }

  const overhead = results.overhead
  if (overhead != null && overhead.error == null) {
    const vsOff = (ratio: unknown): string => typeof ratio === 'number' ? `${n(ratio, 3)}x` : '–'
    out.push(`\n### 10. Telemetry overhead (unary, ${n(overhead.inFlight)} in flight)\n`)
    out.push(table(['telemetry', 'req/s (median)', 'vs off', 'CPU µs per request, all processes', 'vs off', 'spans exported per call', 'runs'],
      (['off', 'metrics', 'tracing'] as const).map(mode => {
        const r = overhead[mode] ?? {}
        return [mode === 'off' ? 'off' : mode === 'metrics' ? 'Prometheus metrics' : 'traces over OTLP/HTTP, default sampling',
          n(r.perSecond), mode === 'off' ? '1x' : vsOff(r.throughputRatio), n(r.cpuUsPerRequest, 1), mode === 'off' ? '1x' : vsOff(r.cpuRatio),
          n(r.spansPerCall, 4), String(r.runs?.length ?? 0)]
      })))
  }

  if (results.consensus != null && results.consensus.error == null) {
    out.push('\n### 11. Consensus group vs etcd\n')
    out.push(consensusTable(results.consensus))
  }
  const training = results.training
  if (training?.runs != null) {
    const p = training.params ?? {}
    const single = training.runs.find((r: any) => r.workers === 1)?.timeToAccuracyMs
    out.push(`\n### 12. Training: time to ${n(100 * (p.targetAccuracy ?? 0), 0)}% test accuracy\n`)
    out.push(`The training demo (784-64-10 MLP on MNIST, 50 inner steps a round, one process per trainer), no faults, seed ${String(p.seed ?? '?')}, ` +
      `until the committed model reaches the target (at most ${n(p.maxRounds)} rounds). Time from every trainer up to that commit:\n`)
    out.push(table(['workers', 'time to accuracy (s)', 'vs 1 worker', 'rounds', 'samples', 'final accuracy', 'parameter traffic MB', 'whole run incl. start-up (s)'],
      training.runs.map((r: any) => [n(r.workers), r.reached === true ? n(r.timeToAccuracyMs / 1000, 1) : '**not reached**',
        r.reached === true && single != null ? `${n(single / r.timeToAccuracyMs)}x` : '–', n(r.roundsToAccuracy), n(r.samplesToAccuracy),
        `${n(100 * r.accuracy, 1)}%`, n(r.bytesSent / 1e6, 1), n(r.runMs / 1000, 1)])))
  }
  return out.join('\n')
}
