/**
 * Gossipsub settings every meshwork peer shares: every message signed
 * (StrictSign) and checked, scoring that graylists peers sending invalid
 * messages, publishing allowed before anyone subscribed (small meshes), and
 * gossip over relayed links so browser tabs take part before their direct
 * WebRTC links exist.
 */
import { scoring } from '../security/penalties.ts'
import { fastMsgId } from './fast-msg-id.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { GossipsubOpts } from '@libp2p/gossipsub'

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
