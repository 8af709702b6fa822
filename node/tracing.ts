/**
 * OpenTelemetry traces of a Node peer, configured the standard way: with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
 * set, spans go over OTLP/HTTP — JSON for `OTEL_EXPORTER_OTLP_PROTOCOL`
 * `http/json` (the default here), protobuf for `http/protobuf` — batched as
 * `OTEL_BSP_*` say. Sampling is `OTEL_TRACES_SAMPLER`'s; without one,
 * parent-based with new traces limited to 10 a second per process
 * (trace-sampler.ts). The resource names the peer: `service.name` meshwork,
 * `service.instance.id` its peer id. With no endpoint nothing is set up and
 * nothing exported. One provider serves the process (the first peer's id);
 * an application that set up its own SDK keeps it.
 */
import { trace } from '@opentelemetry/api'
import { setRootAdmission } from '../src/telemetry/trace.ts'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'

/** Sends the spans ended so far; a no-op when tracing is off. */
export type FlushTracing = () => Promise<void>

let started: Promise<FlushTracing> | undefined

/** An OTEL_* variable; empty counts as unset, as the specification says. */
function env (name: string): string | undefined {
  const value = process.env[name]?.trim()
  return value != null && value !== '' ? value : undefined
}

/** The OTLP endpoint the environment names, if any. */
function endpoint (): string | undefined {
  return env('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? env('OTEL_EXPORTER_OTLP_ENDPOINT')
}

/**
 * Whether another SDK already provides the global tracer: the API's global
 * provider is a proxy that hands out a delegate's tracers once an SDK
 * registered one. (Asked this way, not by class name, which a minifier
 * renames.)
 */
function hasProvider (): boolean {
  const global = trace.getTracerProvider() as { getDelegateTracer?: (name: string) => unknown }
  return global.getDelegateTracer == null || global.getDelegateTracer('meshwork') != null
}

async function exporter (): Promise<SpanExporter> {
  const protocol = env('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? env('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/json'
  if (protocol === 'http/protobuf') {
    return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
  }
  if (protocol !== 'http/json') {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not supported; use http/json or http/protobuf`)
  }
  return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
}

async function setUp (peerId: string): Promise<FlushTracing> {
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { resourceFromAttributes }, { defaultSampler }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
    import('./trace-sampler.ts')
  ])
  // the SDK reads OTEL_TRACES_SAMPLER itself when no sampler is given
  const sampling = env('OTEL_TRACES_SAMPLER') == null ? defaultSampler() : undefined
  const provider = new NodeTracerProvider({
    ...(sampling != null ? { sampler: sampling.sampler } : {}),
    resource: resourceFromAttributes({ 'service.name': 'meshwork', 'service.instance.id': peerId }),
    spanProcessors: [new BatchSpanProcessor(await exporter())]
  })
  provider.register()
  setRootAdmission(sampling?.admit)
  return async () => { await provider.forceFlush() }
}

/**
 * Sets up trace export for this process when the environment names an
 * OTLP endpoint and no SDK is set up yet. Returns what flushes it.
 */
export async function startTracing (peerId: string): Promise<FlushTracing> {
  if (started == null) {
    if (endpoint() == null || hasProvider()) {
      return async () => {}
    }
    started = setUp(peerId)
  }
  return started
}
