/**
 * An OTLP/HTTP trace receiver for the bench (the protocol: POST /v1/traces,
 * JSON or protobuf bodies): it answers every export at once and counts the
 * spans of JSON bodies, so a case can say how many spans its peers sent.
 */
import { createServer } from 'node:http'

/** Bytes of one export request read at most; larger ones are refused. */
const MAX_EXPORT_BYTES = 64 * 1024 * 1024

export interface OtlpReceiver {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to */
  endpoint: string
  /** Spans received so far (JSON exports) */
  spans(): number
  /** Export requests received so far */
  requests(): number
  close(): Promise<void>
}

function countSpans (body: string): number {
  let count = 0
  for (const rs of JSON.parse(body).resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) count += ss.spans?.length ?? 0
  }
  return count
}

/** Starts a receiver on a free loopback port. */
export async function startOtlpReceiver (): Promise<OtlpReceiver> {
  let spans = 0
  let requests = 0
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    let size = 0
    req.on('data', (d: Buffer) => {
      size += d.length
      if (size > MAX_EXPORT_BYTES) {
        res.writeHead(413).end()
        req.destroy()
        return
      }
      parts.push(d)
    })
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end()
        return
      }
      requests++
      if (String(req.headers['content-type']).includes('json')) {
        try {
          spans += countSpans(Buffer.concat(parts).toString('utf8'))
        } catch {
          res.writeHead(400).end()
          return
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans: () => spans,
    requests: () => requests,
    close: async () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => { resolve() })
    })
  }
}
