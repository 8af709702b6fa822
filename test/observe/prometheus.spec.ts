/**
 * Metrics read back through a real Prometheus (Debian's `prometheus`): a
 * relay and two workers started with `--metrics-port`, and a requester
 * embedding a node with `metrics: true`, scraped every second. After a
 * known set of calls (unary ones, streams, one stream cancelled mid-way),
 * the counters Prometheus holds equal the tasks actually run, by service
 * and outcome, and no series carries a peer id.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode, meshMetrics, serveMetrics } from '../../node/index.ts'
import { startCli, startWorker } from '../helpers/cli.ts'
import type { CliProcess } from '../helpers/cli.ts'
import type { MetricsServer } from '../../node/index.ts'
import type { MeshNode, TaskEvent } from '../../src/types.ts'
import type { ChildProcess } from 'node:child_process'

const PROMETHEUS = '/usr/bin/prometheus'
const UNARY = 12
const STREAMS = 3
/** Loose bound (a shared machine) for Prometheus to be up and to have scraped. */
const SCRAPE_WAIT_MS = 20_000

const metricsPortOf = (p: CliProcess): number => Number(/:(\d+)\/metrics$/.exec(p.lines.find(l => l.startsWith('metrics '))!)![1])

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

describe.skipIf(!existsSync(PROMETHEUS))('metrics scraped by Prometheus', () => {
  let relay: CliProcess & { tcp: string }
  let workers: CliProcess[]
  let requester: MeshNode
  let requesterMetrics: MetricsServer
  let prometheus: ChildProcess
  let promUrl: string
  let dir: string
  const workersRun: Record<string, number> = {}

  const query = async (q: string): Promise<Array<{ metric: Record<string, string>, value: [number, string] }>> => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)
    const body = await res.json() as any
    expect(body.status).toBe('success')
    return body.data.result
  }
  const scalar = async (q: string): Promise<number> => Number((await query(q))[0]?.value[1] ?? NaN)

  /** Resolves once every target was scraped after `since` (ms) and was up. */
  const scrapedAfter = async (since: number): Promise<void> => {
    const deadline = Date.now() + SCRAPE_WAIT_MS
    while (Date.now() < deadline) {
      const body = await fetch(`${promUrl}/api/v1/targets`).then(async r => r.json(), () => undefined) as any
      const targets: any[] = body?.data?.activeTargets ?? []
      if (targets.length === 4 && targets.every(t => t.health === 'up' && Date.parse(t.lastScrape) > since)) {
        return
      }
      await new Promise(resolve => setTimeout(resolve, 250))
    }
    throw new Error(`Prometheus did not scrape all four targets within ${SCRAPE_WAIT_MS} ms`)
  }

  beforeAll(async () => {
    relay = Object.assign(await startCli(['relay', '--port', '0', '--metrics-port', '0']), { tcp: '' })
    relay.tcp = relay.lines.find(l => l.startsWith('/') && !l.includes('/ws'))!
    workers = await Promise.all([0, 1].map(async () => startWorker(relay.tcp, [
      '--service', 'echo', '--handler', 'echo', '--service', 'demo-llm', '--handler', 'demo-llm',
      '--token-delay-ms', '20', '--metrics-port', '0'
    ])))
    requester = await createMeshNode({ bootstrap: [relay.tcp], webrtc: false, metrics: true })
    requesterMetrics = await serveMetrics(meshMetrics(requester)!.registry, { port: 0 })
    await requester.waitForWorkers('echo', 2, { timeoutMs: 20_000 })
    await requester.waitForWorkers('demo-llm', 2, { timeoutMs: 20_000 })

    dir = mkdtempSync(join(tmpdir(), 'meshwork-prom-'))
    const targets = [relay, ...workers].map(p => `127.0.0.1:${metricsPortOf(p)}`)
    writeFileSync(join(dir, 'prometheus.yml'), [
      'global:', '  scrape_interval: 1s', '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: peers', '    static_configs:', `      - targets: [${targets.map(t => `'${t}'`).join(', ')}]`,
      '  - job_name: requester', '    static_configs:', `      - targets: ['127.0.0.1:${requesterMetrics.port}']`
    ].join('\n') + '\n')
    const port = await freePort()
    promUrl = `http://127.0.0.1:${port}`
    prometheus = spawn(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'
    ], { stdio: 'ignore' })
  }, 60_000)

  afterAll(async () => {
    prometheus?.kill('SIGKILL')
    await requesterMetrics?.close()
    await requester?.stop()
    for (const p of [relay, ...(workers ?? [])]) p?.kill('SIGKILL')
    if (dir != null) rmSync(dir, { recursive: true, force: true })
  })

  it('counts the tasks actually run, by service and outcome', async () => {
    requester.addEventListener('task:dispatch', (evt: CustomEvent<TaskEvent>) => {
      workersRun[evt.detail.peerId] = (workersRun[evt.detail.peerId] ?? 0) + 1
    })
    await Promise.all(Array.from({ length: UNARY }, async (_, i) => {
      expect(await requester.request('echo', { i })).toEqual({ i })
    }))
    await Promise.all(Array.from({ length: STREAMS }, async () => {
      let chunks = 0
      for await (const _ of requester.stream('demo-llm', { prompt: 'hello there' })) chunks++
      expect(chunks).toBeGreaterThan(0)
    }))
    const abort = new AbortController()
    await expect((async () => {
      for await (const _ of requester.stream('demo-llm', { prompt: 'cut me off' }, { signal: abort.signal })) abort.abort()
    })()).rejects.toThrow(/aborted/)
    const done = Date.now()
    await scrapedAfter(done)

    const byOutcome = async (service: string, outcome: string): Promise<number> =>
      scalar(`sum(meshwork_tasks_total{job="peers",service="${service}",outcome="${outcome}"})`)
    expect(await byOutcome('echo', 'ok')).toBe(UNARY)
    expect(await byOutcome('demo-llm', 'ok')).toBe(STREAMS)
    expect(await byOutcome('demo-llm', 'cancelled')).toBe(1)
    expect(await scalar('sum(meshwork_tasks_total{job="peers",outcome="error"}) or vector(0)')).toBe(0)
    // each worker's own count is what the requester saw it sent there
    for (const w of workers) {
      const target = `127.0.0.1:${metricsPortOf(w)}`
      expect(await scalar(`sum(meshwork_tasks_total{instance="${target}"}) or vector(0)`)).toBe(workersRun[w.peerId] ?? 0)
    }
    expect(await scalar('sum(meshwork_task_duration_seconds_count{job="peers"})')).toBe(UNARY + STREAMS + 1)
    expect(await scalar('meshwork_calls_total{job="requester",service="echo",outcome="ok"}')).toBe(UNARY)
    expect(await scalar('meshwork_call_duration_seconds_count{job="requester",service="echo"}')).toBe(UNARY)
    expect(await scalar('meshwork_time_to_first_chunk_seconds_count{job="requester",service="demo-llm"}')).toBe(STREAMS + 1)
    expect(await scalar('sum(meshwork_tasks_in_flight{job="peers"})')).toBe(0)
    expect(await scalar('sum(meshwork_queue_depth{job="peers"})')).toBe(0)
    // the relay sees the two workers and the requester alive
    expect(await scalar(`meshwork_peers{instance="127.0.0.1:${metricsPortOf(relay)}",state="alive"}`)).toBeGreaterThanOrEqual(3)
    // libp2p's own figures are there too: the requester's connections to the relay and both workers
    expect(await scalar('sum(libp2p_connections{job="requester"})')).toBeGreaterThanOrEqual(3)
    expect(await scalar('sum(libp2p_streams{job="peers",protocol="/meshwork/task/1.0.0"})')).toBeGreaterThan(0)
    // no label value anywhere is a peer id
    const series = await query('{__name__=~"meshwork_.+"}')
    const ids = [relay.peerId, requester.peerId, ...workers.map(w => w.peerId)]
    for (const { metric } of series) {
      for (const value of Object.values(metric)) expect(ids).not.toContain(value)
    }
  }, 60_000)
})
