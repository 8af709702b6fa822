/**
 * A small HTTP server with the metrics of a node at `/metrics`, in the
 * Prometheus text format, for `--metrics-port`.
 */
import { createServer } from 'node:http'
import type { Registry } from 'prom-client'

/** A running metrics endpoint. */
export interface MetricsServer {
  port: number
  close(): Promise<void>
}

/** Serves `registry` on http://host:port/metrics (port 0: any free port). */
export async function serveMetrics (registry: Registry, options: { port: number, host?: string }): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n')
      return
    }
    registry.metrics().then(text => {
      res.writeHead(200, { 'content-type': registry.contentType }).end(text)
    }, (err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => { resolve() })
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address != null ? address.port : options.port,
    close: async () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => { resolve() })
    })
  }
}
