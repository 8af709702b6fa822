/**
 * `meshwork relay [--port N] [--ws-port N] [--host H]`: a bootstrap peer,
 * circuit relay and WebSocket listener for browsers. Prints its multiaddrs
 * (TCP first, then WebSocket), one a line, then `peer <id>`.
 */
import { createMeshNode } from '../../index.ts'
import { integer, MDNS_USAGE, parse } from '../args.ts'
import { onShutdown } from '../lifecycle.ts'
import { exposeMetrics, METRICS_OPTION, METRICS_USAGE, metricsInit, metricsPort } from '../metrics-option.ts'
import type { MeshNode } from '../../../src/types.ts'
import type { NodeMeshInit } from '../../index.ts'

export const usage = `meshwork relay [--port N] [--ws-port N] [--host H]
  --port N      TCP port for Node peers (default 0: any free port)
  --ws-port N   WebSocket port for browsers (default: --port + 1, or any free port)
  --host H      interface to listen on (default 127.0.0.1)
${METRICS_USAGE}
${MDNS_USAGE}`

export interface RelayOptions {
  port: number
  wsPort?: number
  host?: string
  /** Announce the relay on the LAN over mDNS */
  mdns?: boolean
  /** Keep Prometheus metrics */
  metrics?: NodeMeshInit['metrics']
}

/** Starts a relay; used by `relay` and by `start`. */
export async function startRelay (options: RelayOptions): Promise<MeshNode> {
  const wsPort = options.wsPort ?? (options.port === 0 ? 0 : options.port + 1)
  return createMeshNode({ role: 'relay', port: options.port, wsPort, host: options.host, webrtc: false, discovery: { mdns: options.mdns === true }, metrics: options.metrics })
}

/** The relay's addresses, TCP before WebSocket, each ending in its peer id. */
export function relayAddrs (node: MeshNode): string[] {
  const addrs = node.addrs()
  const ws = addrs.filter(a => a.includes('/ws'))
  return [...addrs.filter(a => !a.includes('/ws')), ...ws]
}

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    port: { type: 'string' },
    'ws-port': { type: 'string' },
    host: { type: 'string' },
    mdns: { type: 'boolean' },
    ...METRICS_OPTION
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const node = await startRelay({
    port: integer(values.port, 'port', 0),
    wsPort: values['ws-port'] != null ? integer(values['ws-port'], 'ws-port', 0) : undefined,
    host: values.host,
    mdns: values.mdns === true,
    metrics: metricsInit(values)
  })
  for (const addr of relayAddrs(node)) {
    console.log(addr)
  }
  const { close: closeMetrics } = await exposeMetrics(node, metricsPort(values), values['metrics-host'])
  console.log(`peer ${node.peerId}`)
  onShutdown(async () => {
    await closeMetrics()
    await node.stop()
  })
}
