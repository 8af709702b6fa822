/**
 * An OTLP/HTTP trace receiver for tests (the protocol: POST /v1/traces with
 * JSON bodies), keeping every span it is sent with the resource's
 * `service.instance.id` (the peer) and the span's events.
 */
import { createServer } from 'node:http'

export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  /** `service.instance.id` of the resource: the peer that sent it */
  instance: string
  /** `service.name` of the resource */
  service: string
  attributes: Record<string, unknown>
  events: Array<{ name: string, attributes: Record<string, unknown> }>
}

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to */
  endpoint: string
  spans: ReceivedSpan[]
  /** Resolves once `ok()` holds; rejects after `timeoutMs` */
  waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void>
  close(): Promise<void>
}

const attrs = (list: any[] = []): Record<string, unknown> =>
  Object.fromEntries(list.map(a => [a.key, a.value?.stringValue ?? a.value?.intValue ?? a.value?.boolValue]))

/** Starts a receiver on a free loopback port. */
export async function startOtlpReceiver (): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => { body += d.toString() })
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(400).end()
        return
      }
      for (const rs of JSON.parse(body).resourceSpans ?? []) {
        const resource = attrs(rs.resource?.attributes)
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              ...s,
              instance: String(resource['service.instance.id']),
              service: String(resource['service.name']),
              attributes: attrs(s.attributes),
              events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: attrs(e.attributes) }))
            })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    spans,
    waitFor: async (what, ok, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
    },
    close: async () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => { resolve() })
    })
  }
}
