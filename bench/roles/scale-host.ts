/**
 * Child process: hosts `count` mesh peers of an N-peer mesh, in-process
 * over the memory transport (the first peer is the relay) or over TCP
 * loopback through a relay elsewhere. Reports presence convergence, then
 * on the parent's word measures an idle window (CPU, traffic, memory) and
 * dispatch latency. `node --expose-gc bench/roles/scale-host.ts PARAMS_JSON`
 */
import { createMeshNode } from 'meshwork/node'
import { PRESENCE_TOPIC } from '../../src/constants.ts'
import { childMain, onParentMessage, send } from '../lib/child.ts'
import { summarize } from '../lib/stats.ts'
import { ScaleDiagnosis } from '../scale/diagnosis.ts'
import { TrafficCounter, trafficMetrics } from '../scale/traffic.ts'
import type { MeshNode, NodeMeshInit } from 'meshwork/node'

export interface ScaleHostParams {
  transport: 'memory' | 'tcp'
  /** Peers in this process */
  count: number
  /** Peers in the whole mesh, relay included */
  total: number
  /** tcp: the relay's address */
  bootstrap?: string
  convergeTimeoutMs: number
  /** Starting the peers may take this long at most */
  createTimeoutMs: number
  /** Peers started at once */
  batch: number
}

const SERVICE = 'scale-echo'
const POLL_MS = 100
const STOP_TIMEOUT_MS = 20_000
/** A dispatch slower than this counts as an error (and bounds the loop) */
const DISPATCH_TIMEOUT_MS = 2_000
const wallMs = (): number => performance.timeOrigin + performance.now()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

function memory (): { rss: number, heapUsed: number } {
  globalThis.gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed }
}

/** Peers a node holds alive: its table when it started, then its peer events. */
function trackAlive (node: MeshNode): Set<string> {
  const alive = new Set(node.peers().filter(p => p.state === 'alive').map(p => p.peerId))
  node.addEventListener('peer:alive', (e) => { alive.add(e.detail.peerId) })
  node.addEventListener('peer:suspect', (e) => { alive.delete(e.detail.peerId) })
  node.addEventListener('peer:dead', (e) => { alive.delete(e.detail.peerId) })
  return alive
}

childMain(async () => {
  const p: ScaleHostParams = JSON.parse(process.argv[2])
  const traffic = new TrafficCounter()
  let presenceMessages = 0
  const base = memory()
  const nodes: MeshNode[] = []
  const alive: Array<Set<string>> = []
  const init = (extra: NodeMeshInit): NodeMeshInit => ({
    transport: p.transport === 'memory' ? 'memory' : 'network',
    webrtc: false,
    libp2p: {
      metrics: trafficMetrics(traffic),
      // every peer here dials from 127.0.0.1: lift libp2p's limit of 5 inbound
      // connections a second per address, which peers on separate machines
      // would not share
      connectionManager: { maxConnections: 512, inboundConnectionThreshold: 1_000, maxIncomingPendingConnections: 64 }
    },
    ...extra
  })
  const adopt = (node: MeshNode, serves = true): void => {
    nodes.push(node)
    alive.push(trackAlive(node))
    const pubsub = (node.libp2p.services as any).pubsub
    pubsub.addEventListener('message', (e: any) => { if (e.detail.topic === PRESENCE_TOPIC) presenceMessages++ })
    if (serves) {
      node.serve(SERVICE, async (input: unknown) => input)
    }
  }
  const startedAt = wallMs()
  const diagnosis = new ScaleDiagnosis(nodes, p.total)
  send({ type: 'event', name: 'started', at: startedAt })
  let bootstrap = p.bootstrap != null ? [p.bootstrap] : []
  if (p.transport === 'memory') {
    // the relay every other peer joins through; it serves nothing
    const relay = await createMeshNode(init({ role: 'relay' }))
    adopt(relay, false)
    bootstrap = relay.addrs()
  }
  // a process that cannot even start its peers in time is saturated: say so
  const createDeadline = Date.now() + p.createTimeoutMs
  while (nodes.length < p.count && Date.now() < createDeadline) {
    const n = Math.min(p.batch, p.count - nodes.length)
    const batch = await Promise.all(Array.from({ length: n }, async () => createMeshNode(init({ bootstrap }))))
    batch.forEach(node => { adopt(node) })
  }
  send({ type: 'event', name: 'created', at: wallMs(), peers: nodes.length })
  const deadline = Date.now() + p.convergeTimeoutMs
  const known = (): number => Math.min(...alive.map(s => s.size))
  while (known() < p.total - 1 && Date.now() < deadline) {
    await sleep(POLL_MS)
  }
  const sizes = alive.map(s => s.size).sort((a, b) => a - b)
  send({
    type: 'event',
    name: 'converged',
    at: wallMs(),
    ms: wallMs() - startedAt,
    timedOut: known() < p.total - 1,
    created: nodes.length,
    minKnown: known(),
    // how many peers the least informed tenth of this process's peers know
    knownP10: sizes[Math.floor(sizes.length / 10)],
    diagnosis: diagnosis.report()
  })

  onParentMessage((msg) => {
    void (async () => {
      if (msg.cmd === 'window') {
        const cpu0 = process.cpuUsage()
        const traffic0 = traffic.snapshot()
        const presence0 = presenceMessages
        const t0 = performance.now()
        await sleep(msg.ms)
        const cpu = process.cpuUsage(cpu0)
        const seconds = (performance.now() - t0) / 1000
        const traffic1 = traffic.snapshot()
        const perProtocol: Record<string, { bytes: number, messages: number }> = {}
        for (const [protocol, v] of Object.entries(traffic1)) {
          perProtocol[protocol] = {
            bytes: v.bytes - (traffic0[protocol]?.bytes ?? 0),
            messages: v.messages - (traffic0[protocol]?.messages ?? 0)
          }
        }
        const mem = memory()
        send({
          type: 'event',
          name: 'window',
          seconds,
          cpuMs: (cpu.user + cpu.system) / 1000,
          perProtocol,
          presenceMessages: presenceMessages - presence0,
          rssBytes: mem.rss - base.rss,
          heapBytes: mem.heapUsed - base.heapUsed,
          minKnown: known()
        })
      } else if (msg.cmd === 'dispatch') {
        const requester = nodes[p.transport === 'memory' ? 1 : 0]
        const payload = new Uint8Array(256)
        const samples: number[] = []
        let errors = 0
        // warm-up (first calls dial the workers the balancer picks), then the
        // measured calls, each phase bounded in time on its own
        for (const [phase, count] of [['warmup', msg.warmup], ['measure', msg.count]] as const) {
          const end = performance.now() + msg.maxDurationMs
          for (let i = 0; i < count && performance.now() < end; i++) {
            const t0 = performance.now()
            try {
              await requester.request(SERVICE, payload, { timeoutMs: DISPATCH_TIMEOUT_MS })
              if (phase === 'measure') samples.push(performance.now() - t0)
            } catch {
              errors++
            }
          }
        }
        send({ type: 'event', name: 'dispatch', ...summarize(samples), errors })
      } else if (msg.cmd === 'stop') {
        const timer = setTimeout(() => process.exit(0), STOP_TIMEOUT_MS)
        await Promise.allSettled(nodes.map(async n => { await n.stop() }))
        clearTimeout(timer)
        send({ type: 'result', peers: nodes.length })
        process.exit(0)
      }
    })().catch((err: any) => { send({ type: 'error', message: err.message }) })
  })
})
