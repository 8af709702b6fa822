/**
 * The public view of a peer-table record, as `MeshNode.peers()` returns it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Channels } from '../channel/channels.ts'
import type { PeerInfo } from '../types.ts'
import type { PeerRecord } from './peer-table.ts'
import type { Libp2p } from '@libp2p/interface'

export function peerInfo (record: PeerRecord, libp2p: Libp2p, channels: Channels): PeerInfo {
  const connections = libp2p.getConnections(peerIdFromString(record.peerId))
  const models = new Set<string>()
  for (const entry of record.services.values()) {
    for (const model of entry.models) {
      models.add(model)
    }
  }
  const addrs: string[] = []
  for (const bytes of record.addrs) {
    try { addrs.push(multiaddr(bytes).toString()) } catch {}
  }
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
    direct: connections.some(c => c.limits == null && !c.remoteAddr.toString().includes('/p2p-circuit')),
    addrs
  }
}
