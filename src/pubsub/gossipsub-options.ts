/**
 * Gossipsub settings every meshwork peer shares: every message signed
 * (StrictSign) and checked, publishing allowed before anyone subscribed
 * (small meshes), and gossip over relayed links so browser tabs take part
 * before their direct WebRTC links exist.
 */
import type { GossipsubOpts } from '@libp2p/gossipsub'

export function gossipsubOptions (overrides: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    globalSignaturePolicy: 'StrictSign',
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    runOnLimitedConnection: true,
    ...overrides
  }
}
