/**
 * What both platform entries (`meshwork/node`, `meshwork/browser`) do around
 * their own libp2p options: an identity, the penalties shared by gossipsub
 * scoring and the task channels, a connection gater that keeps graylisted
 * peers out while their penalty lasts, and a mesh node on the started
 * libp2p node (which is stopped again if the mesh cannot start).
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createLibp2p } from 'libp2p'
import { createMesh } from './mesh-node.ts'
import { PeerPenalties } from './security/penalties.ts'
import type { MeshInit, MeshNode } from './types.ts'
import type { RaftStorageFactory } from './consensus/storage/factory.ts'
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

export interface PlatformInit {
  /** The peer's identity; a fresh Ed25519 key by default */
  privateKey?: PrivateKey
  /** The platform's libp2p options for this key and these penalties */
  libp2pOptions(privateKey: PrivateKey, penalties: PeerPenalties): Libp2pOptions<any> | Promise<Libp2pOptions<any>>
  /** Runs on the libp2p node before the mesh starts on it */
  onLibp2p?(libp2p: Libp2p): void
  /** Storage for consensus group members; a platform without it hosts only clients */
  raftStorage?: RaftStorageFactory
}

/** Builds the libp2p node a platform describes and starts a mesh node on it. */
export async function assembleMesh (platform: PlatformInit, init: MeshInit): Promise<MeshNode> {
  const privateKey = platform.privateKey ?? await generateKeyPair('Ed25519')
  const penalties = new PeerPenalties()
  const options = await platform.libp2pOptions(privateKey, penalties)
  const libp2p = await createLibp2p({ ...options, connectionGater: graylistGater(penalties, options.connectionGater) })
  platform.onLibp2p?.(libp2p)
  try {
    return await createMesh({ libp2p, privateKey, penalties, raftStorage: platform.raftStorage }, init)
  } catch (err) {
    await libp2p.stop()
    throw err
  }
}

/**
 * `gater` with inbound connections of graylisted peers refused: a peer
 * penalised for garbage (gossip or task frames) stays out while its penalty
 * lasts.
 */
export function graylistGater (penalties: PeerPenalties, gater: ConnectionGater = {}): ConnectionGater {
  const deny = gater.denyInboundEncryptedConnection
  return {
    ...gater,
    denyInboundEncryptedConnection: async (peerId, maConn) =>
      penalties.isGraylisted(peerId.toString()) || (deny != null && await deny(peerId, maConn))
  }
}
