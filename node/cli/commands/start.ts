/**
 * `meshwork start [--workers N] [--port N]`: an all-in-one local mesh — a
 * relay, N demo workers (child processes serving `demo-llm`, `echo` and
 * `llm.chat` and `llm.embed` on the demo models)
 * and the browser demo on http://127.0.0.1:<port>. With `--metrics-port N`
 * the relay serves its metrics on N and worker i on N+i (every one on a
 * free port for 0), and `.meshwork/prometheus-targets.json` lists them all
 * for a Prometheus `file_sd_configs`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensureDemoBuilt } from '../../demo-build.ts'
import { serveDemo } from '../../demo-server.ts'
import { BOOTSTRAP_FILE, integer, MDNS_USAGE, parse } from '../args.ts'
import { METRICS_TARGETS_FILE, workerMetricsArgs, writeMetricsTargets } from '../start-metrics.ts'
import { onShutdown } from '../lifecycle.ts'
import { spawnWorker } from '../spawn-worker.ts'
import { exposeMetrics, METRICS_OPTION, METRICS_USAGE, metricsInit, metricsPort } from '../metrics-option.ts'
import { relayAddrs, startRelay } from './relay.ts'
import type { WorkerProcess } from '../spawn-worker.ts'

export const usage = `meshwork start [--workers N] [--port N]
  --workers N         demo workers to run (default 2; 0 leaves the answering to browser tabs)
  --port N            HTTP port of the browser demo (default 8080)
  --token-delay-ms N  pace of demo-llm tokens (default 20)
${METRICS_USAGE}
                      (the relay's; worker i serves on N+i, every one on a free port for 0,
                      all listed in ${METRICS_TARGETS_FILE} for Prometheus)
${MDNS_USAGE}`

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    workers: { type: 'string' },
    port: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    mdns: { type: 'boolean' },
    ...METRICS_OPTION
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const count = integer(values.workers, 'workers', 2)
  const port = integer(values.port, 'port', 8080)
  const tokenDelay = integer(values['token-delay-ms'], 'token-delay-ms', 20)

  if (await ensureDemoBuilt()) {
    console.log('built the browser demo into dist/demo')
  }
  const mdns = values.mdns === true
  const relay = await startRelay({ port: 0, mdns, metrics: metricsInit(values) })
  const { close: closeMetrics, url: relayMetricsUrl } = await exposeMetrics(relay, metricsPort(values), values['metrics-host'])
  const addrs = relayAddrs(relay)
  const tcp = addrs.filter(a => !a.includes('/ws'))
  mkdirSync(dirname(BOOTSTRAP_FILE), { recursive: true })
  writeFileSync(BOOTSTRAP_FILE, `${tcp.join('\n')}\n`)

  const workers: WorkerProcess[] = []
  const stopAll = async (): Promise<void> => {
    for (const w of workers) {
      w.child.kill('SIGTERM')
    }
    await Promise.all(workers.map(async w => {
      if (w.child.exitCode == null && w.child.signalCode == null) {
        await new Promise(resolve => w.child.once('exit', resolve))
      }
    }))
    await demo?.close()
    await closeMetrics()
    await relay.stop()
    rmSync(BOOTSTRAP_FILE, { force: true })
    rmSync(METRICS_TARGETS_FILE, { force: true })
  }
  let demo: Awaited<ReturnType<typeof serveDemo>> | undefined
  onShutdown(stopAll)

  const spawned = await Promise.all(Array.from({ length: count }, async (_, i) => spawnWorker([
    '--bootstrap', tcp[0],
    '--service', 'demo-llm', '--handler', 'demo-llm',
    '--service', 'echo', '--handler', 'echo',
    '--service', 'llm.chat', '--handler', 'demo-llm',
    '--service', 'llm.embed', '--handler', 'demo-llm',
    '--token-delay-ms', String(tokenDelay),
    ...(mdns ? ['--mdns'] : []),
    ...workerMetricsArgs(metricsPort(values), i, values['metrics-host'], values['metrics-libp2p'] === true)
  ])))
  workers.push(...spawned)
  const metricsUrls = writeMetricsTargets(relayMetricsUrl, workers)
  demo = await serveDemo({ port, relayAddrs: addrs })
  await relay.waitForWorkers('demo-llm', count, { timeoutMs: 10_000 }).catch(() => {})

  console.log(`peer ${relay.peerId}`)
  console.log(`
meshwork is up.

  relay    ${addrs.join('\n           ')}
  workers  ${workers.length > 0 ? workers.map(w => `pid ${w.child.pid}  ${w.peerId}`).join('\n           ') : 'none (browser tabs answer)'}
  demo     ${demo.url}${metricsUrls.length > 0 ? `\n  metrics  ${metricsUrls.join('\n           ')}\n           (Prometheus: file_sd_configs with ${METRICS_TARGETS_FILE})` : ''}

What to do next (in another terminal, in this folder):
  npx meshwork request echo '{"hi":1}'
  npx meshwork request demo-llm '{"prompt":"tell me about meshes","maxTokens":200}' --stream
  npx meshwork peers
  npx meshwork gateway      an OpenAI-compatible API (model demo-llm) on http://127.0.0.1:8400/v1
  kill -9 <a worker pid above> while a stream runs: the answer finishes on another worker
  open ${demo.url} in a few tabs: each tab is a peer; switch on "serve" in one

Ctrl-C stops everything.`)
}
