/**
 * A libp2p `Metrics` that counts the bytes each peer sends per protocol
 * (application bytes, before encryption; summed over the mesh this is also
 * what the peers receive): how much gossip, presence and task traffic a
 * peer carries. Every other metric is discarded.
 */
import type { Metrics, Stream } from '@libp2p/interface'

/** Sent bytes and writes per protocol, shared by every peer of a process. */
export class TrafficCounter {
  readonly bytes = new Map<string, number>()
  readonly messages = new Map<string, number>()

  add (protocol: string, bytes: number): void {
    this.bytes.set(protocol, (this.bytes.get(protocol) ?? 0) + bytes)
    this.messages.set(protocol, (this.messages.get(protocol) ?? 0) + 1)
  }

  snapshot (): Record<string, { bytes: number, messages: number }> {
    const out: Record<string, { bytes: number, messages: number }> = {}
    for (const [protocol, bytes] of this.bytes) {
      out[protocol] = { bytes, messages: this.messages.get(protocol) ?? 0 }
    }
    return out
  }
}

const noop = (): void => {}
const metric = { update: noop, increment: noop, decrement: noop, reset: noop, observe: noop, timer: () => noop, clear: noop }

/** The `metrics` option of a libp2p node that feeds `counter`. */
export function trafficMetrics (counter: TrafficCounter): () => Metrics {
  return () => ({
    trackMultiaddrConnection: noop,
    trackProtocolStream: (stream: Stream) => {
      const protocol = stream.protocol ?? 'unknown'
      // counted on the way out: a 'message' listener would change how the
      // stream delivers data to its real reader (it stops buffering)
      const send = stream.send.bind(stream)
      stream.send = (data) => {
        counter.add(protocol, data.byteLength)
        return send(data)
      }
    },
    registerMetric: () => metric,
    registerMetricGroup: () => metric,
    registerCounter: () => metric,
    registerCounterGroup: () => metric,
    registerHistogram: () => metric,
    registerHistogramGroup: () => metric,
    registerSummary: () => metric,
    registerSummaryGroup: () => metric,
    traceFunction: (_name: string, fn: any) => fn,
    createTrace: () => undefined
  }) as unknown as Metrics
}
