/**
 * libp2p's figures in a node's metrics: by default read from libp2p when
 * the registry is scraped (connections, streams by protocol, connections
 * opened and closed), with no per-message counting; `libp2p: 'full'`
 * hands libp2p `@libp2p/prometheus-metrics` and its bytes per protocol.
 * Real nodes over loopback TCP: a relay, a worker and a requester.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createMeshNode, meshMetrics } from '../../node/index.ts'
import { TASK_PROTOCOL } from '../../src/constants.ts'
import type { MeshNode } from '../../src/types.ts'

/** Loose bound for the requester to see the stopped worker's connections close. */
const CLOSE_WAIT_MS = 10_000
const LOCAL = { host: '127.0.0.1', webrtc: false, discovery: { mdns: false } } as const

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample (text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m == null || m[1] !== name) continue
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(x => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3])
  }
  return undefined
}

describe('libp2p figures', () => {
  const nodes: MeshNode[] = []
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => { await n.stop() }))
  })

  async function mesh (libp2p: true | 'full'): Promise<{ requester: MeshNode, worker: MeshNode }> {
    const relay = await createMeshNode({ ...LOCAL, role: 'relay', port: 0 })
    nodes.push(relay)
    const bootstrap = relay.addrs().filter(a => a.includes('/tcp/') && !a.includes('/ws'))
    const worker = await createMeshNode({ ...LOCAL, bootstrap, metrics: { libp2p } })
    nodes.push(worker)
    worker.serve('echo', async (x) => x)
    const requester = await createMeshNode({ ...LOCAL, bootstrap, metrics: { libp2p } })
    nodes.push(requester)
    await requester.waitForWorkers('echo', 1, { timeoutMs: 20_000 })
    expect(await requester.request('echo', { hi: 1 })).toEqual({ hi: 1 })
    return { requester, worker }
  }

  it('reads connections and streams from libp2p when scraped', async () => {
    const { requester, worker } = await mesh(true)
    const text = await meshMetrics(requester)!.text()
    const open = (sample(text, 'libp2p_connections', { direction: 'outbound' }) ?? 0) + (sample(text, 'libp2p_connections', { direction: 'inbound' }) ?? 0)
    expect(open).toBe(requester.libp2p.getConnections().length)
    expect(open).toBeGreaterThanOrEqual(2)
    expect(sample(text, 'libp2p_peers_connected')).toBe(requester.libp2p.getPeers().length)
    const taskStreams = requester.libp2p.getConnections().flatMap(c => c.streams).filter(s => s.protocol === TASK_PROTOCOL)
    expect(taskStreams.length).toBeGreaterThan(0)
    const counted = (sample(text, 'libp2p_streams', { protocol: TASK_PROTOCOL, direction: 'outbound' }) ?? 0) +
      (sample(text, 'libp2p_streams', { protocol: TASK_PROTOCOL, direction: 'inbound' }) ?? 0)
    expect(counted).toBe(taskStreams.length)
    expect(sample(text, 'libp2p_connections_opened_total', { direction: 'outbound' })).toBeGreaterThanOrEqual(2)
    // Node's process figures come along; nothing counts bytes per message
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(text).not.toContain('libp2p_data_transfer_bytes_total{')

    // the worker leaves: the requester counts its connection closed
    const closedBefore = (sample(text, 'libp2p_connections_closed_total', { direction: 'outbound' }) ?? 0) +
      (sample(text, 'libp2p_connections_closed_total', { direction: 'inbound' }) ?? 0)
    const toWorker = requester.libp2p.getConnections(worker.libp2p.peerId).length
    expect(toWorker).toBeGreaterThan(0)
    await worker.stop()
    nodes.splice(nodes.indexOf(worker), 1)
    const deadline = Date.now() + CLOSE_WAIT_MS
    while (requester.libp2p.getConnections(worker.libp2p.peerId).length > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const after = await meshMetrics(requester)!.text()
    const closedAfter = (sample(after, 'libp2p_connections_closed_total', { direction: 'outbound' }) ?? 0) +
      (sample(after, 'libp2p_connections_closed_total', { direction: 'inbound' }) ?? 0)
    expect(closedAfter).toBe(closedBefore + toWorker)
  }, 60_000)

  it('with libp2p: full, counts bytes per protocol', async () => {
    // @libp2p/prometheus-metrics keeps its figures in one map per process:
    // the first node made with it (the worker) holds them
    const { worker } = await mesh('full')
    const text = await meshMetrics(worker)!.text()
    expect(text).toMatch(/^libp2p_data_transfer_bytes_total\{protocol="global sent"\} [1-9]/m)
    expect(text).not.toContain('libp2p_streams{')
  }, 60_000)
})
