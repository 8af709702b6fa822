/**
 * Unit tests of the browser entry's pure parts: what kind of link a
 * connection is, the relay a circuit address goes through, and the
 * private-address gater being off unless asked for.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { linkKind } from '../../browser/link-kind.ts'
import { browserLibp2pOptions } from '../../browser/libp2p-options.ts'
import { relayOf } from '../../demos/chat/mesh-state.ts'
import { PeerPenalties } from '../../src/security/penalties.ts'

const RELAY = '12D3KooWHxz9uyJbvPy3DgjnVMXS6snzvJ5ERHM3me17BDEirAyn'
const TAB = '12D3KooWFJeQWaJF1ZkVY5pea7CJ42wobt236DQXSLaMwznvpnK6'
const conn = (addr: string): { remoteAddr: ReturnType<typeof multiaddr> } => ({ remoteAddr: multiaddr(addr) })

describe('linkKind', () => {
  it('counts a WebRTC link signalled through a relay as WebRTC, from either side', () => {
    expect(linkKind(conn(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${TAB}`))).toBe('webrtc')
    expect(linkKind(conn(`/webrtc/p2p/${TAB}`))).toBe('webrtc')
  })

  it('tells a relayed link from WebSocket and TCP ones', () => {
    expect(linkKind(conn(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/p2p/${TAB}`))).toBe('relayed')
    expect(linkKind(conn(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}`))).toBe('websocket')
    expect(linkKind(conn(`/ip4/127.0.0.1/tcp/4001/p2p/${RELAY}`))).toBe('tcp')
  })
})

describe('relayOf', () => {
  it('names the relay of a circuit address, and nothing for a direct one', () => {
    expect(relayOf(`/ip4/127.0.0.1/tcp/4002/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${TAB}`)).toBe(RELAY)
    expect(relayOf(`/ip4/127.0.0.1/tcp/4001/p2p/${TAB}`)).toBeUndefined()
  })
})

describe('browserLibp2pOptions', () => {
  it('keeps libp2p\'s refusal of private addresses unless allowPrivateAddresses is set', async () => {
    const key = await generateKeyPair('Ed25519')
    expect(browserLibp2pOptions({}, key, new PeerPenalties()).connectionGater).toBeUndefined()
    const gater = browserLibp2pOptions({ allowPrivateAddresses: true }, key, new PeerPenalties()).connectionGater
    expect(await gater?.denyDialMultiaddr?.(multiaddr('/ip4/127.0.0.1/tcp/4002/ws'))).toBe(false)
  })

  it('listens on a relay reservation (for signalling) and for WebRTC', async () => {
    const key = await generateKeyPair('Ed25519')
    const options = browserLibp2pOptions({}, key, new PeerPenalties())
    expect(options.addresses?.listen).toEqual(['/p2p-circuit', '/webrtc'])
  })
})
