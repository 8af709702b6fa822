import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import { privateAddressGater } from '../../browser/libp2p-options.ts'
import { graylistGater } from '../../src/platform.ts'
import { PeerPenalties } from '../../src/security/penalties.ts'
import type { MultiaddrConnection } from '@libp2p/interface'

describe('graylistGater', () => {
  it('refuses a graylisted peer and keeps the platform gater it wraps', async () => {
    const penalties = new PeerPenalties()
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    // the browser's gater for a mesh on one machine: private addresses may be dialled
    const gater = graylistGater(penalties, privateAddressGater())
    const conn = {} as unknown as MultiaddrConnection
    expect(await gater.denyInboundEncryptedConnection?.(peer, conn)).toBe(false)
    expect(gater.denyDialMultiaddr).toBeDefined()
    while (!penalties.isGraylisted(peer.toString())) {
      penalties.add(peer.toString())
    }
    expect(await gater.denyInboundEncryptedConnection?.(peer, conn)).toBe(true)
  })

  it('still asks the wrapped gater about peers in good standing', async () => {
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const gater = graylistGater(new PeerPenalties(), { denyInboundEncryptedConnection: async () => true })
    expect(await gater.denyInboundEncryptedConnection?.(peer, {} as unknown as MultiaddrConnection)).toBe(true)
  })
})
