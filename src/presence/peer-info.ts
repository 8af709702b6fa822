/**
 * The public view of a peer-table record, as `MeshNode.peers()` returns it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { parseAddrs } from '../wire/addrs.ts'
import type { Channels } from '../channel/channels.ts'
import type { PeerInfo } from '../types.ts'
import type { PeerRecord } from './peer-table.ts'
import type { Connection, Libp2p } from '@libp2p/interface'

/**
 * Whether a connection runs straight between the peers. A WebRTC link is
 * signalled through a relay, so the dialer's address of it still names
 * `/p2p-circuit`, but its data does not pass the relay.
 */
function isDirect (connection: Connection): boolean {
  if (connection.limits != null) {
    return false
  }
  const names = connection.remoteAddr.getComponents().map(c => c.name)
  return !names.includes('p2p-circuit') || names.includes('webrtc')
}

export function peerInfo (record: PeerRecord, libp2p: Libp2p, channels: Channels): PeerInfo {
  const connections = libp2p.getConnections(peerIdFromString(record.peerId))
  const models = new Set<string>()
  for (const entry of record.services.values()) {
    for (const model of entry.models) {
      models.add(model)
    }
  }
  const addrs = parseAddrs(record.addrs).map(ma => ma.toString())
  return {
    peerId: record.peerId,
    state: record.state,
    role: record.role,
    services: [...record.services.keys()],
    models: [...models],
    load: record.load,
    capacity: record.capacity,
    rttMs: record.rttMs,
    sendDelayMs: channels.existing(record.peerId)?.sendDelayMs,
    latencyMs: record.latencyMs,
    connected: connections.length > 0,
    direct: connections.some(isDirect),
    addrs
  }
}
