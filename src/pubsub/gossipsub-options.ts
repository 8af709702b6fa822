/**
 * Gossipsub settings every meshwork peer shares: every message signed
 * (StrictSign) and checked, publishing allowed before anyone subscribed
 * (small meshes), and gossip over relayed links so browser tabs take part
 * before their direct WebRTC links exist.
 */
import type { GossipsubOpts } from '@libp2p/gossipsub'

/**
 * Peers on this machine all come from a loopback address. Gossipsub's
 * penalty for many peers sharing an IP would otherwise grey-list a local
 * mesh of more than ten peers (browser tabs of `meshwork start`, tests).
 */
const LOOPBACK_IPS = new Set(['127.0.0.1', '::1'])

export function gossipsubOptions (overrides: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: 'StrictSign',
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    runOnLimitedConnection: true,
    scoreParams: { IPColocationFactorWhitelist: LOOPBACK_IPS },
    ...overrides
  }
}
