/**
 * Signed announcements: a peer's own description of itself, signed with its
 * libp2p key, so any peer can pass it on (table syncs) and every receiver
 * can check that the announced peer is the one who signed it.
 */
import { ANNOUNCEMENT_SIGNING_DOMAIN, MAX_ANNOUNCEMENT_BYTES } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { Announcement, SignedAnnouncement } from '../wire/generated/presence.js'
import { isName } from '../util/names.ts'
import { peerIdFromBytes } from '../wire/peer-id.ts'
import type { Message } from '@libp2p/gossipsub'
import type { PeerId, PrivateKey } from '@libp2p/interface'

export { Announcement, SignedAnnouncement }

const domain = new TextEncoder().encode(ANNOUNCEMENT_SIGNING_DOMAIN)

function signingInput (announcement: Uint8Array): Uint8Array {
  const out = new Uint8Array(domain.byteLength + announcement.byteLength)
  out.set(domain, 0)
  out.set(announcement, domain.byteLength)
  return out
}

/** Encodes and signs an announcement of this node. */
export async function sealAnnouncement (key: PrivateKey, announcement: Partial<Announcement>): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = Announcement.encode(announcement)
  const signature = await key.sign(signingInput(bytes))
  return SignedAnnouncement.encode({ announcement: bytes, signature: signature as Uint8Array<ArrayBuffer> })
}

export interface OpenedAnnouncement {
  peerId: PeerId
  announcement: Announcement
}

/**
 * Decodes a signed announcement and checks its signature against the
 * announced peer's key. Throws {@link ProtocolError} on anything else.
 */
export async function openAnnouncement (bytes: Uint8Array, options: OpenOptions = {}): Promise<OpenedAnnouncement> {
  if (bytes.byteLength > MAX_ANNOUNCEMENT_BYTES) {
    throw new ProtocolError('announcement too large')
  }
  let signed: SignedAnnouncement
  try {
    signed = SignedAnnouncement.decode(bytes)
  } catch (err) {
    throw new ProtocolError('malformed announcement', { cause: err })
  }
  return openSigned(signed, options)
}

export interface OpenOptions {
  /**
   * Skip the signature check: only when the bytes arrived in a gossipsub
   * message whose own (checked) signature is the announced peer's.
   */
  signedBySender?: boolean
}

/** As {@link openAnnouncement}, for an already decoded envelope. */
export async function openSigned (signed: SignedAnnouncement, options: OpenOptions = {}): Promise<OpenedAnnouncement> {
  if (signed.announcement.byteLength > MAX_ANNOUNCEMENT_BYTES) {
    throw new ProtocolError('announcement too large')
  }
  let announcement: Announcement
  try {
    announcement = Announcement.decode(signed.announcement, {
      limits: { services: 64, addrs: 32, gone: 64 }
    })
  } catch (err) {
    throw new ProtocolError('malformed announcement', { cause: err })
  }
  const peerId = peerIdFromBytes(announcement.peer)
  if (peerId.publicKey == null) {
    throw new ProtocolError('announced peer id does not embed its public key')
  }
  if (announcement.services.some(s => s.models.length > 64 || !isName(s.name))) {
    throw new ProtocolError('announcement exceeds service limits')
  }
  if (options.signedBySender === true) {
    return { peerId, announcement }
  }
  let valid: boolean
  try {
    valid = await peerId.publicKey.verify(signingInput(signed.announcement), signed.signature)
  } catch (err) {
    // a signature of the wrong length or form is no signature
    throw new ProtocolError('malformed announcement signature', { peerId: peerId.toString(), cause: err })
  }
  if (!valid) {
    throw new ProtocolError('announcement signature does not match the announced peer', { peerId: peerId.toString() })
  }
  return { peerId, announcement }
}

/**
 * A gossiped announcement, opened: undefined unless it is signed and
 * describes its publisher (gossipsub checked that the publisher signed the
 * bytes; all that is left is whom they describe).
 */
export async function openGossiped (msg: Message): Promise<OpenedAnnouncement | undefined> {
  if (msg.type !== 'signed') {
    return undefined
  }
  try {
    const opened = await openAnnouncement(msg.data, { signedBySender: true })
    // someone publishing an announcement of another peer is refused
    return opened.peerId.equals(msg.from) ? opened : undefined
  } catch {
    return undefined
  }
}
