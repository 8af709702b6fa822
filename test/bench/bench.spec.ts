/**
 * The bench harness end to end in quick mode: every case runs against
 * every system (separate processes, real nats-server and redis-server) and
 * produces sane results. Speed is never asserted here; only that each
 * case completed its calls without errors and the report was written.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBench } from '../../bench/run.ts'
import { FANOUT_SYSTEMS, FANOUT_WORKERS } from '../../bench/cases/fanout.ts'
import { STREAM_SYSTEMS } from '../../bench/cases/streaming.ts'
import { TRAINING_WORKERS } from '../../bench/cases/training.ts'
import { IN_FLIGHT, jsonRow, UNARY_SYSTEMS } from '../../bench/cases/unary.ts'

const BENCH_TIMEOUT_MS = 15 * 60_000

describe('npm run bench -- --quick', () => {
  let out: string
  let results: Record<string, any>
  let failed: string[]

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'meshwork-bench-'))
    ;({ results, failed } = await runBench({ quick: true, out, log: () => {} }))
  }, BENCH_TIMEOUT_MS)

  afterAll(() => { rmSync(out, { recursive: true, force: true }) })

  it('runs every case', () => {
    expect(failed, JSON.stringify(failed.map(name => [name, results[name]?.error]))).toEqual([])
  })

  it('times unary calls on every system, at every concurrency, with bytes and JSON, without errors', () => {
    for (const system of UNARY_SYSTEMS.flatMap(s => [s, jsonRow(s)])) {
      const r = results.unary[system]
      expect(r.latency.count, system).toBeGreaterThan(0)
      expect(r.latency.errors, system).toBe(0)
      expect(r.latency.p50Ms, system).toBeGreaterThan(0)
      expect(r.latency.p99Ms, system).toBeGreaterThanOrEqual(r.latency.p50Ms)
      expect(r.throughput.map((t: any) => t.inFlight), system).toEqual(IN_FLIGHT)
      for (const t of r.throughput) {
        expect(t.completed, `${system} at ${t.inFlight}`).toBeGreaterThan(0)
        expect(t.errors, `${system} at ${t.inFlight}`).toBe(0)
      }
      expect(r.calls, system).toBeGreaterThanOrEqual(r.latency.count)
    }
  })

  it('streams every token of every reply on every system', () => {
    for (const system of STREAM_SYSTEMS) {
      const r = results.streaming[system]
      expect(r.errors, system).toBe(0)
      expect(r.completed, system).toBeGreaterThan(0)
      expect(r.tokens, system).toBe(1_000)
      expect(r.chunksPerSecond, system).toBeGreaterThan(0)
      expect(r.firstChunk.count, system).toBe(r.completed)
    }
  })

  it('gathers a reply from each of the 10 workers on every system', () => {
    for (const system of FANOUT_SYSTEMS) {
      const r = results.fanout[system]
      expect(r.workers, system).toBe(FANOUT_WORKERS)
      expect(r.incomplete, system).toBe(0)
      expect(r.latency.errors, system).toBe(0)
      expect(r.latency.count, system).toBeGreaterThan(0)
    }
  })

  it('runs calls through a broadcast claim and directly', () => {
    for (const mode of ['broadcast', 'direct']) {
      expect(results.claim[mode].errors, mode).toBe(0)
      expect(results.claim[mode].count, mode).toBeGreaterThan(0)
    }
  })

  it('completes a stream on another worker after SIGKILL, in order', () => {
    const r = results.failover
    expect(r.errors).toBe(0)
    expect(r.completed).toBe(r.runs)
    expect(r.killToComplete.count).toBe(r.runs)
    expect(r.killToComplete.p50Ms).toBeGreaterThan(0)
  })

  it('measures every mesh size in one process and across processes', () => {
    const { inProcess, multiProcess, params } = results.scale
    for (const rows of [inProcess, multiProcess]) {
      expect(rows.map((r: any) => r.peers)).toEqual(params.sizes)
      for (const r of rows) {
        expect(r.converged, `${r.peers} peers`).toBe(true)
        expect(r.dispatch.errors, `${r.peers} peers`).toBe(0)
        expect(r.dispatch.count, `${r.peers} peers`).toBeGreaterThan(0)
        expect(r.cpuPctPerPeer, `${r.peers} peers`).toBeGreaterThan(0)
        // a small mesh whose tables agree can be silent for a whole quick window
        expect(r.bytesPerPeerPerSecond, `${r.peers} peers`).toBeGreaterThanOrEqual(0)
      }
    }
    // the traffic counter counts: some mesh sent something in its window
    expect([...inProcess, ...multiProcess].some((r: any) => r.bytesPerPeerPerSecond > 0)).toBe(true)
  })

  it('sizes the browser bundle with and without meshwork', () => {
    const { libp2pStack, meshwork } = results.bundle
    expect(libp2pStack.gzipBytes).toBeGreaterThan(0)
    expect(meshwork.gzipBytes).toBeGreaterThan(libp2pStack.gzipBytes)
  })

  it('measures the resident memory of an idle worker, compiled and from the sources', () => {
    const { compiled, source } = results.idle
    // a Node process running libp2p holds tens of MB at the least
    expect(compiled.rssMB).toBeGreaterThan(20)
    expect(source.rssMB).toBeGreaterThan(20)
  })

  it('runs the map job every way, and the straggler job with and without the slow worker, every answer right', () => {
    const { throughput, straggler } = results.map
    expect(Object.keys(throughput)).toEqual(['meshwork map', 'meshwork request() loop', 'NATS queue group'])
    for (const [name, r] of Object.entries<any>(throughput)) {
      expect(r.wrong, name).toBe(0)
      expect(r.perSecond, name).toBeGreaterThan(0)
    }
    expect(Object.keys(straggler)).toEqual(['meshwork map', 'NATS queue group'])
    for (const [name, r] of Object.entries<any>(straggler)) {
      expect(r.wrong, name).toBe(0)
      expect(r.healthyMs, name).toBeGreaterThan(0)
      expect(r.withSlowMs, name).toBeGreaterThan(0)
    }
  })

  it('runs unary calls with telemetry off, metrics on and traces exported; only the traced peers send spans', () => {
    const r = results.overhead
    for (const mode of ['off', 'metrics', 'tracing']) {
      expect(r[mode].runs.length, mode).toBeGreaterThan(0)
      expect(r[mode].perSecond, mode).toBeGreaterThan(0)
      expect(r[mode].cpuUsPerRequest, mode).toBeGreaterThan(0)
    }
    expect(r.off.spansPerCall).toBe(0)
    expect(r.metrics.spansPerCall).toBe(0)
    expect(r.tracing.spansPerCall).toBeGreaterThan(0)
  })

  it('compares writes, linearizable reads and leader failover of a meshwork group with etcd', () => {
    for (const system of ['etcd', 'meshwork']) {
      const r = results.consensus[system]
      expect(r.error, system).toBeUndefined()
      expect(r.writes.map((w: any) => w.clients), system).toEqual([1, 64])
      for (const w of [...r.writes, r.reads]) {
        expect(w.ops, `${system} with ${w.clients} clients`).toBeGreaterThan(0)
        expect(w.errors, `${system} with ${w.clients} clients`).toBe(0)
      }
      expect(r.failover.failures, system).toEqual([])
      expect(r.failover.count, system).toBe(r.failover.runs)
      expect(r.settings.electionTimeoutMs, system).toBeGreaterThan(0)
    }
  })

  it('trains with 1, 2 and 4 workers until the committed model reaches the target accuracy', () => {
    const { params, runs } = results.training
    expect(runs.map((r: any) => r.workers)).toEqual(TRAINING_WORKERS)
    for (const r of runs) {
      expect(r.reached, `${r.workers} workers`).toBe(true)
      expect(r.accuracy, `${r.workers} workers`).toBeGreaterThanOrEqual(params.targetAccuracy)
      expect(r.roundsToAccuracy, `${r.workers} workers`).toBeGreaterThan(0)
      expect(r.timeToAccuracyMs, `${r.workers} workers`).toBeGreaterThan(0)
    }
  })

  it('writes results.json, the chart and the tables', () => {
    const written = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['unary', 'streaming', 'claim', 'fanout', 'failover', 'scale', 'bundle', 'idle', 'map', 'overhead', 'consensus', 'training', 'targets']))
    expect(readFileSync(join(out, 'chart.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/)
    const tables = readFileSync(join(out, 'results.md'), 'utf8')
    for (const heading of ['Targets', 'Unary', 'Streaming', 'claim', 'Fan-out', 'Failover', 'Scale', 'bundle', 'Idle worker memory', 'Jobs of many tasks', 'Telemetry overhead', 'Consensus group vs etcd', 'Training: time to']) {
      expect(tables).toContain(heading)
    }
  })
})
