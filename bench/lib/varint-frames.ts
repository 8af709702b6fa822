/**
 * Unsigned-varint length prefixes for the raw libp2p and NATS-free systems
 * that frame messages themselves.
 */
import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Prefixes `data` with its length as an unsigned varint. */
export function lengthPrefixed (data: Uint8Array): Uint8Array {
  let n = data.byteLength
  const head: number[] = []
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  head.push(n)
  const out = new Uint8Array(head.length + data.byteLength)
  out.set(head, 0)
  out.set(data, head.length)
  return out
}

/** A decoder of length-prefixed messages, bounded to `maxBytes` per message. */
export function frameDecoder (maxBytes = 1024 * 1024): (data: Uint8Array | Uint8ArrayList) => Generator<Uint8ArrayList> {
  const decoder = new LengthPrefixedDecoder({ maxDataLength: maxBytes, maxBufferSize: maxBytes * 4 })
  return (data) => decoder.decode(data)
}
