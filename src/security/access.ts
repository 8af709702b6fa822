/**
 * Who may call a service: an allow-list of peer ids, capability tokens
 * signed by a mesh owner, or both (either suffices). A service without a
 * policy is open to every peer of the mesh.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { AccessDeniedError, InvalidArgumentError } from '../errors.ts'
import { verifyCapability } from './capability.ts'

export interface AccessPolicy {
  /** Peer ids allowed to call */
  allow?: string[]
  /** Peer id of the mesh owner key whose capability tokens are honoured */
  owner?: string
}

/** A compiled policy: `check` throws AccessDeniedError when the caller may not. */
export interface AccessCheck {
  /** Whether the policy admits a peer without looking at a token */
  admits(peer: string): boolean
  check(peer: string, service: string, token: Uint8Array): Promise<void>
}

export function accessCheck (policy: AccessPolicy): AccessCheck {
  const allow = new Set(policy.allow ?? [])
  for (const id of allow) {
    try { peerIdFromString(id) } catch (err) { throw new InvalidArgumentError(`not a peer id in allow: ${id}`, { cause: err }) }
  }
  if (policy.owner != null && peerIdFromString(policy.owner).publicKey == null) {
    throw new InvalidArgumentError('owner must be the peer id of an Ed25519 key')
  }
  return {
    admits: (peer) => allow.has(peer),
    check: async (peer, service, token) => {
      if (allow.has(peer)) {
        return
      }
      if (policy.owner == null) {
        throw new AccessDeniedError(`peer is not allowed to call "${service}"`, { peerId: peer })
      }
      await verifyCapability(token, policy.owner, peer, service)
    }
  }
}
