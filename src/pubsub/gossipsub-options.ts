/**
 * Gossipsub settings every meshwork peer shares: every message signed
 * (StrictSign) and checked, scoring that graylists peers sending invalid
 * messages, publishing allowed before anyone subscribed (small meshes), and
 * gossip over relayed links so browser tabs take part before their direct
 * WebRTC links exist. A relay keeps every peer connected to it in its topic
 * meshes (see {@link relayGossipOptions}).
 */
import { scoring } from '../security/penalties.ts'
import { fastMsgId } from './fast-msg-id.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { GossipsubOpts } from '@libp2p/gossipsub'

/**
 * Topic mesh degree of a relay: every peer that joins through it (up to
 * this many) is in its mesh. Peers that know only the relay — a joiner, a
 * browser tab before its WebRTC links — then get every message it sees in
 * one hop, instead of by lazy gossip to a few at a time once gossipsub's
 * usual degree (6 to 12) is full. A relay has a connection per peer anyway,
 * so this adds no connections, only its forwarding.
 */
export const RELAY_MESH_DEGREE = 512

/** Gossipsub overrides of a relay: its meshes take every subscribed peer it is connected to. */
export function relayGossipOptions (): Partial<GossipsubOpts> {
  return { D: RELAY_MESH_DEGREE, Dlo: RELAY_MESH_DEGREE, Dhi: RELAY_MESH_DEGREE }
}

export function gossipsubOptions (penalties: PeerPenalties, overrides: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: 'StrictSign',
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    runOnLimitedConnection: true,
    fastMsgIdFn: fastMsgId,
    ...scoring(penalties),
    ...overrides
  }
}
