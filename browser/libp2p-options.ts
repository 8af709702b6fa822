/**
 * libp2p configuration of a browser tab: WebSockets to reach relays (and
 * Node peers that listen on them), WebRTC for direct links to other tabs
 * and Node peers, and circuit relay v2 for the signalling that sets those
 * up. The tab listens on `/p2p-circuit` (a reservation on its relay makes
 * it dialable) and on `/webrtc` (others upgrade that to a direct link).
 */
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { meshNoise } from '../src/channel/encrypter.ts'
import { meshMuxer } from '../src/channel/muxer.ts'
import { DEFAULT_IDENTIFY_TIMEOUT_MS, DEFAULT_PING_TIMEOUT_MIN_MS } from '../src/constants.ts'
import { gossipsubOptions } from '../src/pubsub/gossipsub-options.ts'
import { DEFAULT_BROWSER_MAX_CONNECTIONS, DEFAULT_RESERVATION_TIMEOUT_MS } from './constants.ts'
import type { PeerPenalties } from '../src/security/penalties.ts'
import type { ConnectionGater, PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

/** The parts of the browser init that shape the libp2p node. */
export interface BrowserLibp2pInit {
  /**
   * Dial loopback and private-network addresses. Browsers' libp2p refuses
   * them by default, which is right on the public internet and wrong for a
   * mesh on one machine or a LAN. Default false
   */
  allowPrivateAddresses?: boolean
  /** ICE servers for WebRTC; `[]` on a LAN or one machine. Default: libp2p's */
  iceServers?: RTCIceServer[]
  /** Connections held at most. Default 64 */
  maxConnections?: number
  /** Extra libp2p options, applied over meshwork's */
  libp2p?: Partial<Libp2pOptions<any>>
}

/**
 * A gater that lets a tab dial private and loopback addresses; everything
 * else keeps libp2p's checks.
 */
export function privateAddressGater (): ConnectionGater {
  return {
    denyDialMultiaddr: () => false
  }
}

export function browserLibp2pOptions (init: BrowserLibp2pInit, privateKey: PrivateKey, penalties: PeerPenalties): Libp2pOptions<any> {
  const rtcConfiguration = init.iceServers != null ? { iceServers: init.iceServers } : undefined
  const options: Libp2pOptions<any> = {
    privateKey,
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration }),
      circuitRelayTransport({ reservationCompletionTimeout: DEFAULT_RESERVATION_TIMEOUT_MS })
    ],
    connectionEncrypters: [meshNoise()],
    streamMuxers: [meshMuxer()],
    connectionManager: { maxConnections: init.maxConnections ?? DEFAULT_BROWSER_MAX_CONNECTIONS },
    connectionMonitor: { pingTimeout: { minTimeout: DEFAULT_PING_TIMEOUT_MIN_MS } },
    services: {
      identify: identify({ timeout: DEFAULT_IDENTIFY_TIMEOUT_MS }),
      ping: ping(),
      pubsub: gossipsub(gossipsubOptions(penalties))
    }
  }
  if (init.allowPrivateAddresses === true) {
    options.connectionGater = privateAddressGater()
  }
  return { ...options, ...init.libp2p }
}
