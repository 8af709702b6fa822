/**
 * `--metrics-port N` of the long-running commands: the node keeps its
 * Prometheus metrics and serves them on http://127.0.0.1:N/metrics.
 */
import { meshMetrics } from '../index.ts'
import { serveMetrics } from '../metrics/serve.ts'
import { integer } from './args.ts'
import type { MeshNode } from '../../src/types.ts'
import type { MetricsInit } from '../index.ts'

/** The option, to spread into a command's `parse` options. */
export const METRICS_OPTION = { 'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' }, 'metrics-libp2p': { type: 'boolean' } } as const

/** Usage line of `--metrics-port`. */
export const METRICS_USAGE = `  --metrics-port N      serve Prometheus metrics on http://127.0.0.1:N/metrics (0: any free port)
  --metrics-host H      interface of the metrics server (default 127.0.0.1; 0.0.0.0 for a remote Prometheus)
  --metrics-libp2p      also libp2p's per-message figures (bytes per protocol), at a cost on every message`

/** The --metrics-port value, or undefined when metrics are off. */
export function metricsPort (values: { 'metrics-port'?: string }): number | undefined {
  return values['metrics-port'] == null ? undefined : integer(values['metrics-port'], 'metrics-port', 0)
}

/** The `metrics` option of the command's node: off without a port, libp2p's full figures with --metrics-libp2p. */
export function metricsInit (values: { 'metrics-port'?: string, 'metrics-libp2p'?: boolean }): false | MetricsInit {
  if (metricsPort(values) == null) return false
  return { libp2p: values['metrics-libp2p'] === true ? 'full' : true }
}

/** A metrics endpoint of a command, if it serves one. */
export interface ExposedMetrics {
  /** Closes the server (a no-op without one) */
  close(): Promise<void>
  /** http://host:port/metrics, when served */
  url?: string
}

/**
 * Serves the metrics of `node` (created with `metrics: true`) when a port
 * was given, printing the address; returns what closes the server.
 */
export async function exposeMetrics (node: MeshNode, port: number | undefined, host?: string): Promise<ExposedMetrics> {
  const metrics = meshMetrics(node)
  if (port == null || metrics == null) {
    return { close: async () => {} }
  }
  const server = await serveMetrics(metrics.registry, { port, host })
  const url = `http://${host ?? '127.0.0.1'}:${server.port}/metrics`
  console.log(`metrics ${url}`)
  return { close: server.close, url }
}
