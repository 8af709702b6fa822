/**
 * What kind of link a libp2p connection is, read from its remote address:
 * a WebRTC connection signalled through a relay carries `/p2p-circuit` in
 * the dialer's address but runs directly between the peers.
 */
import type { Connection } from '@libp2p/interface'

/** `webrtc` and `relayed` are what tabs use; `websocket` and `tcp` reach relays and Node peers. */
export type LinkKind = 'webrtc' | 'relayed' | 'websocket' | 'tcp' | 'other'

export function linkKind (connection: Pick<Connection, 'remoteAddr'>): LinkKind {
  const names = connection.remoteAddr.getComponents().map(c => c.name)
  if (names.includes('webrtc') || names.includes('webrtc-direct')) {
    return 'webrtc'
  }
  if (names.includes('p2p-circuit')) {
    return 'relayed'
  }
  if (names.includes('ws') || names.includes('wss') || names.includes('tls')) {
    return 'websocket'
  }
  if (names.includes('tcp')) {
    return 'tcp'
  }
  return 'other'
}
