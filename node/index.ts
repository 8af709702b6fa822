/**
 * meshwork for Node: `createMeshNode` builds a libp2p peer (TCP, WebSockets,
 * WebRTC, circuit relay) and joins the mesh through its bootstrap peers.
 *
 * @example
 * ```ts
 * import { createMeshNode } from 'meshwork/node'
 *
 * const node = await createMeshNode({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo...'] })
 * node.serve('echo', async (input) => input)
 * console.log(await node.request('echo', { hi: 1 }))
 * await node.stop()
 * ```
 */
import { assembleMesh } from '../src/platform.ts'
import { nodeRaftStorage } from './raft-storage.ts'
import { libp2pOptions } from './libp2p-options.ts'
import { dialDiscovered, mdnsInit } from './mdns.ts'
import { logger } from '@libp2p/logger'
import { createMeshMetrics } from './metrics/metrics.ts'
import { STATS_SERVICE } from './metrics/stats.ts'
import { collectLibp2pFigures } from './metrics/libp2p.ts'
import { collectDefaultMetrics } from 'prom-client'
import { startTracing } from './tracing.ts'
import type { MeshMetrics } from './metrics/metrics.ts'
import type { Registry } from 'prom-client'
import type { MdnsInit } from './mdns.ts'
import type { MeshInit, MeshNode } from '../src/types.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

export * from '../src/index.ts'
export { createGateway, PEER_HEADER } from './gateway/index.ts'
export type { Gateway, GatewayInit } from './gateway/index.ts'
export { openaiChat, UpstreamError } from './handlers/openai.ts'
export type { OpenAIChatInit } from './handlers/openai.ts'
export { openaiEmbed } from './handlers/openai-embed.ts'
export type { OpenAIEmbedInit } from './handlers/openai-embed.ts'

export interface NodeMeshInit extends MeshInit {
  /** Multiaddrs to listen on; by default TCP on `host`:`port`, plus WebSockets for a relay */
  listen?: string[]
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 to join other machines */
  host?: string
  /** TCP port. Default 0 (any free port) */
  port?: number
  /** WebSocket port of a relay, for browsers. Default 0 (any free port) */
  wsPort?: number
  /** `'memory'` runs over the in-process memory transport (tests of many peers) */
  transport?: 'network' | 'memory'
  /** WebRTC links to browser tabs. Default true */
  webrtc?: boolean
  /** The peer's identity; a fresh Ed25519 key by default */
  privateKey?: PrivateKey
  /** Connections held at most. Default 512 */
  maxConnections?: number
  /**
   * A pre-shared key (the text `generateKey` from `@libp2p/pnet` writes):
   * only peers holding it can connect. Node-only meshes; turns WebRTC off
   */
  psk?: Uint8Array
  /**
   * How peers are found besides `bootstrap`. `mdns` finds Node peers on the
   * same LAN with no bootstrap address (off by default); with it, `host`
   * defaults to 0.0.0.0 so that those peers can dial this one
   */
  discovery?: { mdns?: boolean | MdnsInit }
  /** Extra libp2p options, applied over meshwork's */
  libp2p?: Partial<Libp2pOptions<any>>
  /**
   * Prometheus metrics (`meshwork_*`, and unless `libp2p: false` libp2p's
   * `libp2p_*` connection and stream figures and Node's process figures) in
   * a prom-client registry of this node, or the one given; read them with
   * `meshMetrics(node)`. libp2p's figures are read when Prometheus scrapes;
   * `libp2p: 'full'` instead hands libp2p `@libp2p/prometheus-metrics`,
   * which adds bytes per protocol and its components' own counters at a
   * cost on every message. Off by default
   */
  metrics?: boolean | MetricsInit
}

/** What `metrics` keeps, beside the `meshwork_*` figures. */
export interface MetricsInit {
  registry?: Registry
  /** libp2p's figures: read at scrape time (true, the default), none, or `full` */
  libp2p?: boolean | 'full'
}

const metricsOfNode = new WeakMap<MeshNode, MeshMetrics>()

/** The metrics of a node created with `metrics` on, else undefined. */
export function meshMetrics (node: MeshNode): MeshMetrics | undefined {
  return metricsOfNode.get(node)
}

/** Starts a mesh peer on Node. */
export async function createMeshNode (init: NodeMeshInit = {}): Promise<MeshNode> {
  if (init.metrics != null && init.metrics !== false) {
    return withMetrics(init, init.metrics === true ? {} : init.metrics)
  }
  const node = await assembleMesh({
    privateKey: init.privateKey,
    libp2pOptions: async (privateKey, penalties) => libp2pOptions(init, privateKey, penalties),
    raftStorage: nodeRaftStorage,
    onLibp2p: (libp2p) => {
      if (mdnsInit(init.discovery) == null) return
      const stopDialing = dialDiscovered(libp2p, logger('meshwork:mdns'))
      libp2p.addEventListener('stop', stopDialing, { once: true })
    }
  }, init)
  return withTracing(node)
}

/** Sets up trace export if the environment asks for it; stopping the node flushes its spans. */
async function withTracing (node: MeshNode): Promise<MeshNode> {
  const flush = await startTracing(node.peerId)
  const stop = node.stop.bind(node)
  node.stop = async () => {
    await stop()
    await flush().catch(() => {})
  }
  return node
}
export { levelJournal } from './journal.ts'
export { levelStorage } from './raft-storage.ts'
export type { LevelJournal } from './journal.ts'
export { loadIdentity } from './identity.ts'
export { MDNS_SERVICE_TAG } from './mdns.ts'
export type { MdnsInit } from './mdns.ts'

async function withMetrics (init: NodeMeshInit, options: MetricsInit): Promise<MeshNode> {
  const metrics = createMeshMetrics(options.registry)
  const libp2p = options.libp2p ?? true
  let libp2pMetrics = {}
  if (libp2p === 'full') {
    const { prometheusMetrics } = await import('@libp2p/prometheus-metrics')
    libp2pMetrics = { metrics: prometheusMetrics({ registry: metrics.registry, preserveExistingMetrics: true }) }
  } else if (libp2p) {
    collectDefaultMetrics({ register: metrics.registry })
  }
  const node = await createMeshNode({
    ...init,
    metrics: false,
    telemetry: metrics.sink,
    libp2p: { ...libp2pMetrics, ...init.libp2p }
  })
  if (libp2p === true) {
    const detach = collectLibp2pFigures(node.libp2p, metrics.registry)
    node.libp2p.addEventListener('stop', detach, { once: true })
  }
  metricsOfNode.set(node, metrics)
  node.serve(STATS_SERVICE, () => metrics.stats())
  return node
}
export { createMeshMetrics } from './metrics/metrics.ts'
export type { MeshMetrics } from './metrics/metrics.ts'
export { serveMetrics } from './metrics/serve.ts'
export type { MetricsServer } from './metrics/serve.ts'
