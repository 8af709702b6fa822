/**
 * Traces of calls and the tasks they cause, with the OpenTelemetry API: a
 * call is a client span whose W3C trace context travels in each TASK frame
 * (`traceparent`), and the handler run on any worker, for any attempt, is a
 * server span under it; a failover is a `failover` event on the call's
 * span. Without an SDK set up nothing is built per call (not even the
 * API's no-op span); with one, a call the sampler drops costs its sampling
 * decision and nothing more: attributes are set only on spans that record,
 * and only those put a `traceparent` in their frames.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Span, Tracer } from '@opentelemetry/api'

const TRACER_NAME = 'meshwork'
/** Span names kept per service at most (built once each). */
const MAX_SPAN_NAMES = 256

let sdkTracer: Tracer | undefined

/**
 * The tracer of the SDK set up in this process, or undefined while there
 * is none. The API's global provider is a proxy that takes a delegate when
 * an SDK registers, whenever that is; once one answers it is kept.
 */
function tracer (): Tracer | undefined {
  if (sdkTracer == null) {
    const provider = trace.getTracerProvider() as { getDelegateTracer?: (name: string) => Tracer | undefined, getTracer: (name: string) => Tracer }
    sdkTracer = provider.getDelegateTracer != null ? provider.getDelegateTracer(TRACER_NAME) : provider.getTracer(TRACER_NAME)
  }
  return sdkTracer
}

type SpanPrefix = 'call' | 'task' | 'accept'
let admitRoot: (() => boolean) | undefined

/**
 * Lets the sampler of the SDK this process set up decide a call that
 * starts a new trace before its span is built, so a dropped call costs no
 * span, ids or attributes. Node's trace set-up installs it with its
 * default sampler; undefined removes it.
 */
export function setRootAdmission (admit: (() => boolean) | undefined): void {
  admitRoot = admit
}

const names: Record<SpanPrefix, Map<string, string>> = { call: new Map(), task: new Map(), accept: new Map() }

/** `${prefix} ${service}`, built once per service (bounded). */
function spanName (prefix: SpanPrefix, service: string): string {
  const known = names[prefix]
  let name = known.get(service)
  if (name == null) {
    name = `${prefix} ${service}`
    if (known.size < MAX_SPAN_NAMES) known.set(service, name)
  }
  return name
}
const CLIENT = { kind: SpanKind.CLIENT }
const SERVER = { kind: SpanKind.SERVER }

/** The span of one call on the requester, with the context its tasks carry. */
export class CallTrace {
  private readonly span: Span
  /** The W3C `traceparent` of the call's span, for TASK frames */
  readonly traceparent: string

  private constructor (span: Span, traceparent: string) {
    this.span = span
    this.traceparent = traceparent
  }

  /** Starts the span of a call, under the active context; undefined when nothing records. */
  static start (service: string, taskId: string, streaming: boolean): CallTrace | undefined {
    const sdk = tracer()
    if (sdk == null || (admitRoot != null && trace.getSpan(context.active()) == null && !admitRoot())) {
      return undefined
    }
    const span = sdk.startSpan(spanName('call', service), CLIENT)
    if (!span.isRecording()) {
      return undefined
    }
    span.setAttributes({ 'meshwork.service': service, 'meshwork.task': taskId, 'meshwork.streaming': streaming })
    const carrier: Record<string, string> = {}
    propagation.inject(trace.setSpan(context.active(), span), carrier)
    return new CallTrace(span, carrier.traceparent ?? '')
  }

  /** An attempt went to `peerId`. */
  dispatched (peerId: string, attempt: number): void {
    this.span.addEvent('dispatch', { 'meshwork.peer': peerId, 'meshwork.attempt': attempt })
  }

  /** The call left worker `from` for `to`, because of `reason`. */
  failover (from: string, to: string, reason: string, attempt: number): void {
    this.span.addEvent('failover', { 'meshwork.reason': reason, 'meshwork.from': from, 'meshwork.to': to, 'meshwork.attempt': attempt })
  }

  /** Ends the span, with the error if the call failed. */
  end (err?: Error): void {
    if (err != null) {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
      this.span.setAttribute('error.type', err.name)
    }
    this.span.end()
  }
}

/**
 * Starts the span of a handler run for a TASK frame that carried
 * `traceparent`; undefined when there is none or nothing records.
 */
export function startTaskSpan (service: string, taskId: string, attempt: number, traceparent: string): Span | undefined {
  const sdk = traceparent === '' ? undefined : tracer()
  if (sdk == null) {
    return undefined
  }
  const parent = propagation.extract(context.active(), { traceparent })
  const span = sdk.startSpan(spanName('task', service), SERVER, parent)
  if (!span.isRecording()) {
    return undefined
  }
  span.setAttributes({ 'meshwork.service': service, 'meshwork.task': taskId, 'meshwork.attempt': attempt })
  // ended at once, so the worker's part shows even if it dies before the task ends
  sdk.startSpan(spanName('accept', service), { attributes: { 'meshwork.attempt': attempt } }, trace.setSpan(parent, span)).end()
  return span
}

/** Ends a handler's span with how the task ended. */
export function endTaskSpan (span: Span | undefined, outcome: 'ok' | 'error' | 'cancelled'): void {
  if (span == null) {
    return
  }
  span.setAttribute('meshwork.outcome', outcome)
  if (outcome === 'error') {
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}
