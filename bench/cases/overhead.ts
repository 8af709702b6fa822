/**
 * Case 9: what observing costs. meshwork's unary echo at 64 calls in
 * flight, four ways: telemetry off, Prometheus metrics on in every peer
 * (libp2p's figures read at scrape time, the default), the same with
 * libp2p's per-message figures (`libp2p: 'full'`, `--metrics-libp2p`), and
 * traces exported over OTLP/HTTP (JSON) to a receiver in the bench process
 * at the default sampling. Each way runs in fresh processes,
 * interleaved over rounds so a change in the machine's load falls on all
 * of them; the figures are the medians over rounds, and the ratios are
 * against telemetry off.
 */
import { startOtlpReceiver } from '../lib/otlp-receiver.ts'
import { median, round } from '../lib/stats.ts'
import { cpuPerCall } from '../report/table.ts'
import { runSystemCase } from './context.ts'
import type { BenchContext, SystemRunOptions } from './context.ts'
import type { UnaryParams } from '../roles/measure.ts'

export const OVERHEAD_MODES = ['off', 'metrics', 'metricsLibp2p', 'tracing'] as const
export type OverheadMode = typeof OVERHEAD_MODES[number]

/** Calls in flight of the measured run. */
export const OVERHEAD_IN_FLIGHT = 64

function params (quick: boolean): UnaryParams {
  return quick
    ? { warmup: 100, count: 100, maxDurationMs: 5_000, inFlight: [OVERHEAD_IN_FLIGHT], throughputMs: 500, maxCalls: 500_000 }
    : { warmup: 200, count: 200, maxDurationMs: 5_000, inFlight: [OVERHEAD_IN_FLIGHT], throughputMs: 3_000, maxCalls: 500_000 }
}

/** How each mode runs its peers; no OTLP endpoint means no export. */
function options (mode: OverheadMode, endpoint: string): SystemRunOptions {
  return {
    metrics: mode === 'metricsLibp2p' ? 'full' : mode === 'metrics',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: mode === 'tracing' ? endpoint : '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // the default sampling: whatever the peers choose with no sampler named
      OTEL_TRACES_SAMPLER: '',
      OTEL_TRACES_SAMPLER_ARG: ''
    }
  }
}

export async function overheadCase (ctx: BenchContext): Promise<Record<string, any>> {
  const rounds = ctx.quick ? 1 : 3
  const receiver = await startOtlpReceiver()
  const runs: Record<OverheadMode, Array<{ perSecond: number, cpuUsPerRequest: number, calls: number, spans: number }>> = { off: [], metrics: [], metricsLibp2p: [], tracing: [] }
  try {
    for (let r = 0; r < rounds; r++) {
      for (const mode of OVERHEAD_MODES) {
        ctx.log(`overhead: ${mode}, round ${r + 1} of ${rounds}`)
        const spans0 = receiver.spans()
        const result = await runSystemCase(ctx, 'meshwork', 'unary', params(ctx.quick), options(mode, receiver.endpoint))
        const errors = (result.latency?.errors ?? 0) + (result.throughput ?? []).reduce((a: number, t: any) => a + t.errors, 0)
        if (errors > 0) {
          throw new Error(`${mode}: ${errors} calls failed`)
        }
        runs[mode].push({
          perSecond: result.throughput[0].perSecond,
          cpuUsPerRequest: round(cpuPerCall(result) ?? Number.NaN, 1),
          calls: result.calls,
          spans: receiver.spans() - spans0
        })
      }
    }
  } finally {
    await receiver.close()
  }
  const summary = (mode: OverheadMode): Record<string, any> => ({
    perSecond: Math.round(median(runs[mode].map(x => x.perSecond))),
    cpuUsPerRequest: round(median(runs[mode].map(x => x.cpuUsPerRequest)), 1),
    spansPerCall: round(median(runs[mode].map(x => x.spans / x.calls)), 4),
    runs: runs[mode]
  })
  const out: Record<string, any> = { inFlight: OVERHEAD_IN_FLIGHT, rounds }
  for (const mode of OVERHEAD_MODES) out[mode] = summary(mode)
  for (const mode of ['metrics', 'metricsLibp2p', 'tracing'] as const) {
    out[mode].throughputRatio = round(out[mode].perSecond / out.off.perSecond)
    out[mode].cpuRatio = round(out[mode].cpuUsPerRequest / out.off.cpuUsPerRequest)
  }
  return out
}
