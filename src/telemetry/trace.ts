/**
 * Traces of calls and the tasks they cause, with the OpenTelemetry API: a
 * call is a client span whose W3C trace context travels in each TASK frame
 * (`traceparent`), and the handler run on any worker, for any attempt, is a
 * server span under it; a failover is a `failover` event on the call's
 * span. Without an SDK set up the API's tracer records nothing, and then
 * nothing here is kept or sent.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Span } from '@opentelemetry/api'

const TRACER_NAME = 'meshwork'
// a proxy: it finds an SDK registered after this module loaded
const meshTracer = trace.getTracer(TRACER_NAME)
const tracer = (): typeof meshTracer => meshTracer

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
    const span = tracer().startSpan(`call ${service}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'meshwork.service': service, 'meshwork.task': taskId, 'meshwork.streaming': streaming }
    })
    if (!span.isRecording()) {
      return undefined
    }
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
  if (traceparent === '') {
    return undefined
  }
  const parent = propagation.extract(context.active(), { traceparent })
  const span = tracer().startSpan(`task ${service}`, {
    kind: SpanKind.SERVER,
    attributes: { 'meshwork.service': service, 'meshwork.task': taskId, 'meshwork.attempt': attempt }
  }, parent)
  if (!span.isRecording()) {
    return undefined
  }
  // ended at once, so the worker's part shows even if it dies before the task ends
  tracer().startSpan(`accept ${service}`, { attributes: { 'meshwork.attempt': attempt } }, trace.setSpan(parent, span)).end()
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
