/**
 * libp2p's connection and stream figures, read from its public API when
 * Prometheus scrapes: open connections by direction, open streams by
 * protocol, and connections opened and closed since the node started
 * (counted on libp2p's `connection:open` and `connection:close` events,
 * once per connection). Nothing here runs per message, unlike
 * `@libp2p/prometheus-metrics`, which wraps every connection's and
 * stream's reads and writes to count their bytes (`libp2p: 'full'`).
 */
import { Counter, Gauge } from 'prom-client'
import type { Libp2p } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** Protocols kept as label values; streams of further ones count as `other`. */
export const MAX_PROTOCOLS = 64
/** The label value of a stream whose protocol is not negotiated yet. */
export const UNNEGOTIATED = 'unnegotiated'
const OTHER = 'other'
const DIRECTIONS = ['inbound', 'outbound'] as const

/** Registers libp2p's figures of `libp2p` in `registry`; returns what detaches its listeners. */
export function collectLibp2pFigures (libp2p: Libp2p, registry: Registry): () => void {
  const registers = [registry]
  const protocols = new Set<string>()
  const protocolLabel = (protocol: string | undefined): string => {
    const p = protocol ?? UNNEGOTIATED
    if (!protocols.has(p) && protocols.size < MAX_PROTOCOLS) protocols.add(p)
    return protocols.has(p) ? p : OTHER
  }

  new Gauge({
    name: 'libp2p_connections',
    help: 'Open libp2p connections, by direction',
    labelNames: ['direction'],
    registers,
    collect () {
      const counts = { inbound: 0, outbound: 0 }
      for (const c of libp2p.getConnections()) counts[c.direction]++
      for (const direction of DIRECTIONS) this.set({ direction }, counts[direction])
    }
  })
  new Gauge({
    name: 'libp2p_streams',
    help: 'Open libp2p streams, by protocol and direction',
    labelNames: ['protocol', 'direction'],
    registers,
    collect () {
      // every pair seen before reads 0 when none is open, rather than its last count
      this.reset()
      for (const protocol of protocols) {
        for (const direction of DIRECTIONS) this.set({ protocol, direction }, 0)
      }
      for (const c of libp2p.getConnections()) {
        for (const s of c.streams) this.inc({ protocol: protocolLabel(s.protocol), direction: s.direction })
      }
    }
  })
  new Gauge({
    name: 'libp2p_peers_connected',
    help: 'Peers this node has at least one open connection to',
    registers,
    collect () { this.set(libp2p.getPeers().length) }
  })
  const opened = new Counter({ name: 'libp2p_connections_opened_total', help: 'libp2p connections opened, by direction', labelNames: ['direction'], registers })
  const closed = new Counter({ name: 'libp2p_connections_closed_total', help: 'libp2p connections closed, by direction', labelNames: ['direction'], registers })
  const openedOf = { inbound: opened.labels('inbound'), outbound: opened.labels('outbound') }
  const closedOf = { inbound: closed.labels('inbound'), outbound: closed.labels('outbound') }
  // every connection there before the figures were set up counts as opened
  for (const c of libp2p.getConnections()) openedOf[c.direction].inc()
  const onOpen = (evt: CustomEvent<{ direction: 'inbound' | 'outbound' }>): void => { openedOf[evt.detail.direction].inc() }
  const onClose = (evt: CustomEvent<{ direction: 'inbound' | 'outbound' }>): void => { closedOf[evt.detail.direction].inc() }
  libp2p.addEventListener('connection:open', onOpen)
  libp2p.addEventListener('connection:close', onClose)
  return () => {
    libp2p.removeEventListener('connection:open', onOpen)
    libp2p.removeEventListener('connection:close', onClose)
  }
}
