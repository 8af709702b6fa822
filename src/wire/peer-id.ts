/**
 * Peer ids on the wire: announcements, gone lists and capabilities carry a
 * peer id as its multihash bytes.
 */
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { ProtocolError } from '../errors.ts'
import type { PeerId } from '@libp2p/interface'

/** The peer id encoded as multihash bytes. Throws {@link ProtocolError} on malformed bytes. */
export function peerIdFromBytes (bytes: Uint8Array): PeerId {
  try {
    return peerIdFromMultihash(Digest.decode(bytes))
  } catch (err) {
    throw new ProtocolError('malformed peer id', { cause: err })
  }
}
