/**
 * The default sampler of a Node peer's traces, used when
 * `OTEL_TRACES_SAMPLER` names none: parent-based (a span with a parent
 * follows the parent's decision, so a trace is kept or dropped whole on
 * every peer), and a new trace is kept while this process has started
 * fewer than `DEFAULT_TRACES_PER_SECOND` in the last second (a token
 * bucket, like Jaeger's rate-limiting sampler). A person trying the mesh
 * sees every request; a busy peer sends a bounded number of traces,
 * whatever its rate of calls. Any standard `OTEL_TRACES_SAMPLER` (for
 * instance `parentbased_traceidratio` with `OTEL_TRACES_SAMPLER_ARG`)
 * replaces it.
 */
import { ParentBasedSampler, SamplingDecision } from '@opentelemetry/sdk-trace-base'
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base'

/** New traces a process starts at most per second, by default. */
export const DEFAULT_TRACES_PER_SECOND = 10

const SECOND_MS = 1000
const SAMPLED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED })
const DROPPED: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD })

/** Samples new traces at up to `perSecond`, with bursts of as many. */
export class RateLimitedSampler implements Sampler {
  private readonly perSecond: number
  private readonly now: () => number
  private tokens: number
  private last: number
  private granted = false

  constructor (perSecond = DEFAULT_TRACES_PER_SECOND, now: () => number = () => performance.now()) {
    this.perSecond = perSecond
    this.now = now
    this.tokens = perSecond
    this.last = now()
  }

  /**
   * Decides a root span before it is started, so that a dropped one costs
   * the SDK nothing; when it says yes, the next `shouldSample` (of the span
   * then started) samples without taking another token.
   */
  admit (): boolean {
    this.granted = this.take()
    return this.granted
  }

  shouldSample (): SamplingResult {
    const sampled = this.granted || this.take()
    this.granted = false
    return sampled ? SAMPLED : DROPPED
  }

  private take (): boolean {
    const t = this.now()
    this.tokens = Math.min(this.perSecond, this.tokens + (t - this.last) * this.perSecond / SECOND_MS)
    this.last = t
    if (this.tokens < 1) {
      return false
    }
    this.tokens--
    return true
  }

  toString (): string {
    return `RateLimitedSampler{${this.perSecond}/s}`
  }
}

/** The default: parent-based, new traces rate-limited; `admit` decides a root span early. */
export function defaultSampler (perSecond = DEFAULT_TRACES_PER_SECOND): { sampler: Sampler, admit: () => boolean } {
  const root = new RateLimitedSampler(perSecond)
  return { sampler: new ParentBasedSampler({ root }), admit: () => root.admit() }
}
