/**
 * LAN discovery over mDNS (`@libp2p/mdns`): Node peers on one network find
 * each other with no bootstrap address. libp2p only reports the peers it
 * discovers; `dialDiscovered` connects to them (a few dials at a time), and
 * presence then pulls their tables as it does from a bootstrap peer.
 */
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'
import type { PeerDiscovery } from '@libp2p/interface'

/** meshwork peers answer under their own service name, apart from other libp2p nodes on the LAN. */
export const MDNS_SERVICE_TAG = '_meshwork._udp.local'
/** How often a peer asks the LAN who is there. */
export const DEFAULT_MDNS_INTERVAL_MS = 10_000
/** Dials to discovered peers in flight at once, at most. */
const MAX_PENDING_DIALS = 8
const DIAL_TIMEOUT_MS = 10_000

export interface MdnsInit {
  /** How often to query the LAN. Default 10000 */
  intervalMs?: number
  /** The DNS-SD service peers announce and look for. Default `_meshwork._udp.local` */
  serviceTag?: string
}

/** The mDNS settings of a `discovery` option, or undefined when LAN discovery is off. */
export function mdnsInit (discovery: { mdns?: boolean | MdnsInit } | undefined): MdnsInit | undefined {
  const mdns = discovery?.mdns
  return mdns == null || mdns === false ? undefined : mdns === true ? {} : mdns
}

/** The libp2p peer discovery module, loaded only when LAN discovery is on. */
export async function mdnsDiscovery (init: MdnsInit = {}): Promise<(components: any) => PeerDiscovery> {
  const { mdns } = await import('@libp2p/mdns')
  return mdns({ interval: init.intervalMs ?? DEFAULT_MDNS_INTERVAL_MS, serviceTag: init.serviceTag ?? MDNS_SERVICE_TAG })
}

/** Connects to every peer libp2p discovers (and to those found before this was called); returns a stop function. */
export function dialDiscovered (libp2p: Libp2p, log: Logger): () => void {
  const pending = new Set<string>()
  const dial = (peerId: PeerId): void => {
    const id = peerId.toString()
    if (pending.has(id) || pending.size >= MAX_PENDING_DIALS || libp2p.getConnections(peerId).length > 0 || peerId.equals(libp2p.peerId)) {
      return
    }
    pending.add(id)
    libp2p.dial(peerId, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
      .catch(err => { log('no connection to discovered peer %p: %s', peerId, err.message) })
      .finally(() => { pending.delete(id) })
  }
  const onDiscovery = (evt: CustomEvent<{ id: PeerId }>): void => { dial(evt.detail.id) }
  libp2p.addEventListener('peer:discovery', onDiscovery)
  // answers that came in while libp2p was starting are in the peer store already
  void libp2p.peerStore.all().then(peers => {
    for (const peer of peers) {
      if (peer.addresses.length > 0) {
        dial(peer.id)
      }
    }
  })
  return () => { libp2p.removeEventListener('peer:discovery', onDiscovery) }
}
