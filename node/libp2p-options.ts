/**
 * libp2p configuration of a Node peer: TCP and WebSockets (browsers reach
 * relays and Node peers over them), WebRTC (direct links to browser tabs,
 * signalled through a relay), circuit relay v2, noise, yamux, identify,
 * ping and gossipsub. In-process tests use the memory transport instead.
 */
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { gossipsub } from '@libp2p/gossipsub'
import { meshNoise } from '../src/channel/encrypter.ts'
import { meshMuxer } from '../src/channel/muxer.ts'
import { DEFAULT_IDENTIFY_TIMEOUT_MS, DEFAULT_PING_TIMEOUT_MIN_MS } from '../src/constants.ts'
import { gossipsubOptions, relayGossipOptions } from '../src/pubsub/gossipsub-options.ts'
import { corkedTcp } from './corked-tcp.ts'
import { mdnsDiscovery, mdnsInit } from './mdns.ts'
import type { NodeMeshInit } from './index.ts'
import type { PeerPenalties } from '../src/security/penalties.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

/** Reservations a relay holds at most (one per peer it introduces). */
const RELAY_MAX_RESERVATIONS = 4096
/**
 * Inbound connections a relay accepts per second from one address. libp2p's
 * default (5) refuses a burst of peers joining from behind one address (an
 * office NAT, or every peer of a test on loopback), who then back off and
 * retry for seconds.
 */
const RELAY_INBOUND_CONNECTIONS_PER_SECOND = 100
/** Inbound connections a relay upgrades at once (libp2p's default is 10). */
const RELAY_MAX_PENDING_INBOUND = 64

export async function libp2pOptions (init: NodeMeshInit, privateKey: PrivateKey, penalties: PeerPenalties): Promise<Libp2pOptions<any>> {
  const relay = init.role === 'relay'
  const memoryOnly = init.transport === 'memory'
  // the memory transport (in-process tests) and pnet (private meshes) are loaded only when used
  const transports: NonNullable<Libp2pOptions['transports']> = memoryOnly
    ? [(await import('@libp2p/memory')).memory(), circuitRelayTransport()]
    : [corkedTcp(), webSockets(), circuitRelayTransport()]
  // WebRTC cannot carry a pnet-protected connection, and a private mesh has no browsers
  if (!memoryOnly && init.webrtc !== false && init.psk == null) {
    // loaded only when used: the native WebRTC stack costs startup time and memory
    const { webRTC } = await import('@libp2p/webrtc')
    transports.push(webRTC())
  }
  const listen = init.listen ?? defaultListen(init)
  const services: Record<string, any> = {
    identify: identify({ timeout: DEFAULT_IDENTIFY_TIMEOUT_MS }),
    ping: ping(),
    pubsub: gossipsub(gossipsubOptions(penalties, relay ? relayGossipOptions() : {}))
  }
  if (relay) {
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: RELAY_MAX_RESERVATIONS,
        // relayed links carry gossip and signalling for browsers; don't cut them
        applyDefaultLimit: false
      }
    })
  }
  const mdns = mdnsInit(init.discovery)
  return {
    privateKey,
    peerDiscovery: mdns != null && !memoryOnly ? [await mdnsDiscovery(mdns)] : undefined,
    addresses: { listen },
    transports,
    connectionEncrypters: [meshNoise()],
    streamMuxers: [meshMuxer()],
    connectionManager: {
      maxConnections: init.maxConnections ?? 512,
      ...(relay ? { inboundConnectionThreshold: RELAY_INBOUND_CONNECTIONS_PER_SECOND, maxIncomingPendingConnections: RELAY_MAX_PENDING_INBOUND } : {})
    },
    connectionMonitor: { pingTimeout: { minTimeout: DEFAULT_PING_TIMEOUT_MIN_MS } },
    services,
    // a private mesh: peers without the pre-shared key cannot even handshake
    connectionProtector: init.psk != null ? (await import('@libp2p/pnet')).preSharedKey({ psk: init.psk }) : undefined,
    ...init.libp2p
  }
}

function defaultListen (init: NodeMeshInit): string[] {
  if (init.transport === 'memory') {
    return [`/memory/${crypto.randomUUID()}`]
  }
  // peers found over mDNS dial the addresses this one announces: not loopback only
  const host = init.host ?? (mdnsInit(init.discovery) != null ? '0.0.0.0' : '127.0.0.1')
  const port = init.port ?? 0
  if (init.role === 'relay') {
    const wsPort = init.wsPort ?? 0
    return [`/ip4/${host}/tcp/${port}`, `/ip4/${host}/tcp/${wsPort}/ws`]
  }
  const listen = [`/ip4/${host}/tcp/${port}`]
  if (init.webrtc !== false && init.psk == null) {
    // reachable by browsers: a relay reservation for signalling, then WebRTC
    listen.push('/p2p-circuit', '/webrtc')
  }
  return listen
}
