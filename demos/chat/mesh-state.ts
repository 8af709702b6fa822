/**
 * What the mesh view draws, read from the node: every peer this tab knows
 * (with its role, liveness and load), the links this tab holds (direct
 * WebRTC, relayed, or WebSocket/TCP to relays and Node peers), and which
 * relay other peers are reachable through.
 */
import { linkKind } from 'meshwork/browser'
import type { LinkKind, MeshNode, PeerInfo, PeerState } from 'meshwork/browser'

export type ViewRole = 'self' | 'browser' | 'node' | 'relay'

export interface ViewPeer {
  id: string
  role: ViewRole
  state: PeerState
  load: number
  capacity: number
  services: string[]
  rttMs?: number
  /** How this tab reaches the peer, when connected */
  link?: LinkKind
}

export interface ViewLink {
  source: string
  target: string
  /** `via-relay`: the peer holds a reservation on that relay (not this tab's link) */
  kind: LinkKind | 'via-relay'
}

export interface MeshSnapshot {
  peers: ViewPeer[]
  links: ViewLink[]
}

/** Dead peers stay drawn this long, so a death is seen and not just a vanishing dot. */
export const DEAD_SHOWN_MS = 20_000

/** Preference when a peer is reached over several connections at once. */
const LINK_RANK: Record<LinkKind, number> = { webrtc: 4, tcp: 3, websocket: 3, other: 2, relayed: 1 }

function role (info: PeerInfo | undefined): ViewRole {
  const r = info?.role
  return r === 'browser' || r === 'relay' ? r : 'node'
}

/** The relay a circuit address goes through: `/…/p2p/<relay>/p2p-circuit/…`. */
export function relayOf (addr: string): string | undefined {
  const match = /\/p2p\/([^/]+)\/p2p-circuit/.exec(addr)
  return match?.[1]
}

/**
 * Builds a snapshot. `deadSince` remembers when each peer was first seen
 * dead; the caller keeps it between snapshots.
 */
export function snapshot (node: MeshNode, deadSince: Map<string, number>, now = Date.now()): MeshSnapshot {
  const infos = new Map<string, PeerInfo>()
  for (const info of node.peers()) {
    infos.set(info.peerId, info)
  }
  const links = new Map<string, LinkKind>()
  for (const connection of node.libp2p.getConnections()) {
    if (connection.status !== 'open') {
      continue
    }
    const id = connection.remotePeer.toString()
    const kind = linkKind(connection)
    const held = links.get(id)
    if (held == null || LINK_RANK[kind] > LINK_RANK[held]) {
      links.set(id, kind)
    }
  }
  const peers: ViewPeer[] = [{
    id: node.peerId,
    role: 'self',
    state: 'alive',
    load: 0,
    capacity: 0,
    services: []
  }]
  const shown = new Set<string>([node.peerId])
  for (const id of new Set([...infos.keys(), ...links.keys()])) {
    const info = infos.get(id)
    const state = info?.state ?? 'alive'
    if (state === 'dead') {
      const since = deadSince.get(id) ?? now
      deadSince.set(id, since)
      if (now - since > DEAD_SHOWN_MS && !links.has(id)) {
        continue
      }
    } else {
      deadSince.delete(id)
    }
    shown.add(id)
    peers.push({
      id,
      role: role(info),
      state,
      load: info?.load ?? 0,
      capacity: info?.capacity ?? 0,
      services: info?.services ?? [],
      rttMs: info?.rttMs,
      link: links.get(id)
    })
  }
  // forget peers the table forgot, so the map stays as small as the table
  for (const id of deadSince.keys()) {
    if (!infos.has(id)) {
      deadSince.delete(id)
    }
  }
  const out: ViewLink[] = []
  for (const [id, kind] of links) {
    out.push({ source: node.peerId, target: id, kind })
  }
  for (const info of infos.values()) {
    if (!shown.has(info.peerId) || links.has(info.peerId)) {
      continue
    }
    const relays = new Set(info.addrs.map(relayOf).filter((r): r is string => r != null && shown.has(r)))
    for (const relay of relays) {
      out.push({ source: relay, target: info.peerId, kind: 'via-relay' })
    }
  }
  return { peers, links: out }
}
