/**
 * Metrics of the peers `meshwork start` runs: each worker child gets its
 * own `--metrics-port` (the relay's port plus its number, or any free port
 * when the relay's is 0), and their addresses are written where a
 * Prometheus `file_sd_configs` can read them.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { WorkerProcess } from './spawn-worker.ts'

/** The Prometheus file-based discovery list of the local mesh's metrics endpoints. */
export const METRICS_TARGETS_FILE = join('.meshwork', 'prometheus-targets.json')

/** The metrics options of worker `index` (from 0), when the relay's port is `relayPort`. */
export function workerMetricsArgs (relayPort: number | undefined, index: number, host?: string, libp2pFull = false): string[] {
  if (relayPort == null) {
    return []
  }
  return ['--metrics-port', String(relayPort === 0 ? 0 : relayPort + index + 1), ...(host != null ? ['--metrics-host', host] : []), ...(libp2pFull ? ['--metrics-libp2p'] : [])]
}

/**
 * Writes METRICS_TARGETS_FILE (`[{ targets: ['host:port', ...], labels }]`)
 * when any endpoint is served; returns the endpoints' URLs, relay first.
 */
export function writeMetricsTargets (relayUrl: string | undefined, workers: WorkerProcess[]): string[] {
  const urls = [relayUrl, ...workers.map(w => w.metricsUrl)].filter((u): u is string => u != null)
  if (urls.length === 0) {
    return []
  }
  const targets = urls.map(u => new URL(u).host)
  writeFileSync(METRICS_TARGETS_FILE, `${JSON.stringify([{ targets, labels: { job: 'meshwork' } }], null, 2)}\n`)
  return urls
}
