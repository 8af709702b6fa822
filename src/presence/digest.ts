/**
 * Table digests for presence syncs: what a peer holds, as a fixed-size
 * record per entry (an 8-byte key drawn from the peer id and the entry's
 * 8-byte seq), so the peer it syncs with sends only what is missing or
 * newer instead of its whole table.
 *
 * @example
 * ```ts
 * const bytes = encodeDigest([[peerKey(peerIdBytes), 17n]])
 * parseDigest(bytes).get(peerKey(peerIdBytes)) // 17n
 * ```
 */
import { MAX_PEER_TABLE_SIZE } from '../constants.ts'
import { ProtocolError } from '../errors.ts'

/** Bytes of one digest record: key and seq. */
export const DIGEST_RECORD_BYTES = 16
/** Bytes of a peer key. */
export const PEER_KEY_BYTES = 8
/** Largest digest accepted: one record per entry a table can hold. */
export const MAX_DIGEST_BYTES = MAX_PEER_TABLE_SIZE * DIGEST_RECORD_BYTES

/**
 * A peer's key in digests: the last 8 bytes of its id's multihash (the end
 * of its public key, or of the key's hash), which are as good as random.
 */
export function peerKey (peerIdBytes: Uint8Array): bigint {
  if (peerIdBytes.byteLength < PEER_KEY_BYTES) {
    throw new ProtocolError('peer id too short for a key')
  }
  const view = new DataView(peerIdBytes.buffer, peerIdBytes.byteOffset + peerIdBytes.byteLength - PEER_KEY_BYTES, PEER_KEY_BYTES)
  return view.getBigUint64(0)
}

/** Encodes (key, seq) pairs, at most MAX_DIGEST_BYTES worth. */
export function encodeDigest (records: Iterable<readonly [bigint, bigint]>): Uint8Array<ArrayBuffer> {
  const pairs: Array<readonly [bigint, bigint]> = []
  for (const pair of records) {
    if (pairs.length * DIGEST_RECORD_BYTES >= MAX_DIGEST_BYTES) {
      break
    }
    pairs.push(pair)
  }
  const out = new Uint8Array(pairs.length * DIGEST_RECORD_BYTES)
  const view = new DataView(out.buffer)
  pairs.forEach(([key, seq], i) => {
    view.setBigUint64(i * DIGEST_RECORD_BYTES, key)
    view.setBigUint64(i * DIGEST_RECORD_BYTES + PEER_KEY_BYTES, seq)
  })
  return out
}

/** Decodes a digest into key -> seq. Throws {@link ProtocolError} on a malformed or oversized one. */
export function parseDigest (bytes: Uint8Array): Map<bigint, bigint> {
  if (bytes.byteLength % DIGEST_RECORD_BYTES !== 0 || bytes.byteLength > MAX_DIGEST_BYTES) {
    throw new ProtocolError(`malformed presence digest (${bytes.byteLength} bytes)`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Map<bigint, bigint>()
  for (let at = 0; at < bytes.byteLength; at += DIGEST_RECORD_BYTES) {
    out.set(view.getBigUint64(at), view.getBigUint64(at + PEER_KEY_BYTES))
  }
  return out
}

/** Encodes peer keys (a sync's `want`). */
export function encodeKeys (keys: bigint[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(keys.length * PEER_KEY_BYTES)
  const view = new DataView(out.buffer)
  keys.forEach((key, i) => { view.setBigUint64(i * PEER_KEY_BYTES, key) })
  return out
}

/** Decodes peer keys, at most `max`. Throws {@link ProtocolError} on a malformed or oversized list. */
export function parseKeys (bytes: Uint8Array, max: number): Set<bigint> {
  if (bytes.byteLength % PEER_KEY_BYTES !== 0 || bytes.byteLength > max * PEER_KEY_BYTES) {
    throw new ProtocolError(`malformed presence want list (${bytes.byteLength} bytes)`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Set<bigint>()
  for (let at = 0; at < bytes.byteLength; at += PEER_KEY_BYTES) {
    out.add(view.getBigUint64(at))
  }
  return out
}
