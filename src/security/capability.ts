/**
 * Capability tokens: a mesh owner (any Ed25519 key) signs "peer P may call
 * services S until T". Workers of protected services check the token a
 * task carries against the owner they trust.
 *
 * @example
 * ```ts
 * const owner = await generateKeyPair('Ed25519')
 * const token = await issueCapability(owner, { peer: caller.peerId, services: ['embed'], ttlMs: 3_600_000 })
 * worker.serve('embed', handler, { access: { owner: peerIdFromPrivateKey(owner).toString() } })
 * await caller.request('embed', text, { token })
 * ```
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { AccessDeniedError, InvalidArgumentError } from '../errors.ts'
import { peerIdFromBytes } from '../wire/peer-id.ts'
import { Capability, SignedCapability } from './generated/capability.js'
import type { PrivateKey } from '@libp2p/interface'

const DOMAIN = new TextEncoder().encode('meshwork/1/capability')
/** Largest token accepted. */
export const MAX_CAPABILITY_BYTES = 4096

function signingInput (capability: Uint8Array): Uint8Array {
  const out = new Uint8Array(DOMAIN.byteLength + capability.byteLength)
  out.set(DOMAIN, 0)
  out.set(capability, DOMAIN.byteLength)
  return out
}

export interface CapabilityGrant {
  /** The peer id allowed to call */
  peer: string
  /** Services it may call; `'*'` for all */
  services: string[]
  /** Lifetime from now */
  ttlMs: number
}

/** Signs a capability token with the mesh owner's key. */
export async function issueCapability (owner: PrivateKey, grant: CapabilityGrant): Promise<Uint8Array> {
  if (!(grant.ttlMs > 0) || grant.services.length === 0) {
    throw new InvalidArgumentError('a capability needs services and a positive ttlMs')
  }
  const now = Date.now()
  const capability = Capability.encode({
    peer: peerIdFromString(grant.peer).toMultihash().bytes,
    services: grant.services,
    expiresAt: BigInt(now + grant.ttlMs),
    issuedAt: BigInt(now)
  })
  const signature = await owner.sign(signingInput(capability))
  return SignedCapability.encode({ capability, signature: signature as Uint8Array<ArrayBuffer> })
}

/**
 * Checks that `token` was signed by `owner` and grants `service` to `peer`
 * now. Throws {@link AccessDeniedError} otherwise.
 */
export async function verifyCapability (token: Uint8Array, owner: string, peer: string, service: string, now = Date.now()): Promise<void> {
  if (token.byteLength === 0) {
    throw new AccessDeniedError(`"${service}" needs a capability token`, { peerId: peer })
  }
  if (token.byteLength > MAX_CAPABILITY_BYTES) {
    throw new AccessDeniedError('capability token too large', { peerId: peer })
  }
  let signed: SignedCapability
  let capability: Capability
  try {
    signed = SignedCapability.decode(token)
    capability = Capability.decode(signed.capability, { limits: { services: 256 } })
  } catch (err) {
    throw new AccessDeniedError('malformed capability token', { peerId: peer, cause: err })
  }
  const ownerKey = peerIdFromString(owner).publicKey
  let valid = false
  try {
    valid = ownerKey != null && await ownerKey.verify(signingInput(signed.capability), signed.signature)
  } catch {
    // a signature of the wrong length or form is no signature
  }
  if (!valid) {
    throw new AccessDeniedError('capability token not signed by the mesh owner', { peerId: peer })
  }
  let holder: string
  try {
    holder = peerIdFromBytes(capability.peer).toString()
  } catch {
    throw new AccessDeniedError('malformed capability token', { peerId: peer })
  }
  if (holder !== peer) {
    throw new AccessDeniedError('capability token was issued to another peer', { peerId: peer })
  }
  if (Number(capability.expiresAt) < now) {
    throw new AccessDeniedError('capability token expired', { peerId: peer })
  }
  if (!capability.services.includes(service) && !capability.services.includes('*')) {
    throw new AccessDeniedError(`capability token does not grant "${service}"`, { peerId: peer })
  }
}
