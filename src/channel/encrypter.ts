/**
 * noise, with its reader of length prefixes not building a new error at
 * the end of every read.
 *
 * A secured connection splits what the socket delivers into noise messages
 * with a length-prefixed decoder, and that decoder learns that no further
 * prefix is buffered by catching a `RangeError` from the prefix reader.
 * `@chainsafe/libp2p-noise`'s reader creates that error each time, with its
 * stack trace, so every read from the socket ends in one: a few
 * microseconds on each side of every call, more than decrypting a small
 * message. Here each connection's reader throws one shared `RangeError`
 * instead, and reads the two bytes without a `DataView`. What it accepts and
 * rejects is unchanged.
 */
import { noise } from '@chainsafe/libp2p-noise'
import type { NoiseComponents, NoiseExtensions, NoiseInit } from '@chainsafe/libp2p-noise'
import type { ConnectionEncrypter } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** The part of noise's secured connection this replaces: its decoder's prefix reader. */
interface Decoding {
  decoder?: { lengthDecoder?: (data: Uint8Array | Uint8ArrayList) => number }
}

/** Thrown, always the same object, when fewer than two bytes are buffered. */
const SHORT = new RangeError('fewer than two bytes buffered for a noise length prefix')

/** A noise message's two-byte big-endian length. */
export function readLength (data: Uint8Array | Uint8ArrayList): number {
  if (data.byteLength < 2) {
    throw SHORT
  }
  return data instanceof Uint8Array ? (data[0] << 8) | data[1] : (data.get(0) << 8) | data.get(1)
}

/** `noise(init)` whose connections read length prefixes with `readLength` (see the module's comment). */
export function meshNoise (init?: NoiseInit): (components: NoiseComponents) => ConnectionEncrypter<NoiseExtensions> {
  const factory = noise(init)
  return (components) => {
    const encrypter = factory(components)
    const secureInbound = encrypter.secureInbound.bind(encrypter)
    const secureOutbound = encrypter.secureOutbound.bind(encrypter)
    encrypter.secureInbound = async (connection, options) => withLengthReader(await secureInbound(connection, options))
    encrypter.secureOutbound = async (connection, options) => withLengthReader(await secureOutbound(connection, options))
    return encrypter
  }
}

function withLengthReader<T extends { connection: unknown }> (secured: T): T {
  const decoder = (secured.connection as Decoding).decoder
  if (typeof decoder?.lengthDecoder === 'function') {
    decoder.lengthDecoder = readLength
  }
  return secured
}
