/**
 * What the mesh view draws, from a node's peer table and connections (a
 * stand-in node: this is a test of the snapshot alone).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { DEAD_SHOWN_MS, snapshot } from '../../demos/chat/mesh-state.ts'
import type { MeshNode, PeerInfo } from '../../src/types.ts'

const SELF = '12D3KooWPkKkESBpvAwqJBFMbTHjjtfaJuSW4KmEtnc2gEoDyu4D'
const RELAY = '12D3KooWHxz9uyJbvPy3DgjnVMXS6snzvJ5ERHM3me17BDEirAyn'
const TAB = '12D3KooWFJeQWaJF1ZkVY5pea7CJ42wobt236DQXSLaMwznvpnK6'
const FAR = '12D3KooWQwUwWfGGLk6mGFid2CiiaxwsWnJKzPdhEaAVjT1yyy8g'
const WS = `/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}`

function info (peerId: string, role: string, extra: Partial<PeerInfo> = {}): PeerInfo {
  return { peerId, role, state: 'alive', services: [], models: [], load: 0, capacity: 0, connected: false, direct: false, addrs: [], ...extra }
}

function node (peers: PeerInfo[], connections: Array<[string, string]>): MeshNode {
  return {
    peerId: SELF,
    peers: () => peers,
    libp2p: {
      getConnections: () => connections.map(([peer, addr]) => ({ status: 'open', remotePeer: { toString: () => peer }, remoteAddr: multiaddr(addr) }))
    }
  } as unknown as MeshNode
}

describe('mesh view snapshot', () => {
  it('draws the best link to each peer, and which relay the others sit behind', () => {
    const mesh = node([
      info(RELAY, 'relay'),
      info(TAB, 'browser', { services: ['demo-llm'], load: 1, capacity: 4 }),
      info(FAR, 'browser', { addrs: [`${WS}/p2p-circuit/webrtc/p2p/${FAR}`] })
    ], [
      [RELAY, WS],
      [TAB, `${WS}/p2p-circuit/p2p/${TAB}`],
      [TAB, `${WS}/p2p-circuit/webrtc/p2p/${TAB}`]
    ])
    const snap = snapshot(mesh, new Map())
    expect(snap.peers.map(p => [p.id, p.role, p.link])).toEqual([
      [SELF, 'self', undefined],
      [RELAY, 'relay', 'websocket'],
      [TAB, 'browser', 'webrtc'],
      [FAR, 'browser', undefined]
    ])
    expect(snap.links).toEqual([
      { source: SELF, target: RELAY, kind: 'websocket' },
      { source: SELF, target: TAB, kind: 'webrtc' },
      { source: RELAY, target: FAR, kind: 'via-relay' }
    ])
  })

  it('shows a dead peer for a while, then drops it', () => {
    const deadSince = new Map<string, number>()
    const mesh = node([info(TAB, 'browser', { state: 'dead' })], [])
    expect(snapshot(mesh, deadSince, 1_000).peers.map(p => p.id)).toEqual([SELF, TAB])
    expect(snapshot(mesh, deadSince, 1_000 + DEAD_SHOWN_MS + 1).peers.map(p => p.id)).toEqual([SELF])
    // once the table forgets the peer, so does the snapshot's memory of its death
    snapshot(node([], []), deadSince, 1_000 + DEAD_SHOWN_MS + 2)
    expect(deadSince.size).toBe(0)
  })
})
