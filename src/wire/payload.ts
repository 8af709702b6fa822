/**
 * Payload codec: JSON by default; a `Uint8Array` travels as raw bytes and a
 * string as its UTF-8 text (an LLM's tokens skip JSON both ways).
 *
 * @example
 * ```ts
 * const { data, codec } = encodePayload({ hi: 1 })
 * decodePayload(data, codec) // { hi: 1 }
 * ```
 */
import { InvalidArgumentError, ProtocolError } from '../errors.ts'
import { encodeUtf8 } from './utf8.ts'

export const CODEC_JSON = 0
export const CODEC_BYTES = 1
export const CODEC_TEXT = 2
/** The highest codec number a peer understands. */
export const MAX_CODEC = CODEC_TEXT

export interface EncodedPayload {
  data: Uint8Array
  codec: number
}

const decoder = new TextDecoder()
const EMPTY = new Uint8Array(0)

export function encodePayload (value: unknown): EncodedPayload {
  if (value instanceof Uint8Array) {
    return { data: value, codec: CODEC_BYTES }
  }
  if (typeof value === 'string') {
    return { data: encodeUtf8(value), codec: CODEC_TEXT }
  }
  if (value === undefined) {
    return { data: EMPTY, codec: CODEC_JSON }
  }
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new InvalidArgumentError('payload is not JSON-serialisable', { cause: err })
  }
  if (text === undefined) {
    throw new InvalidArgumentError(`a ${typeof value} cannot be sent as a payload`)
  }
  return { data: encodeUtf8(text), codec: CODEC_JSON }
}

export function decodePayload (data: Uint8Array, codec: number): unknown {
  if (codec === CODEC_BYTES) {
    return data
  }
  if (codec === CODEC_TEXT) {
    return decoder.decode(data)
  }
  if (codec !== CODEC_JSON) {
    throw new ProtocolError(`unknown payload codec ${codec}`)
  }
  if (data.byteLength === 0) {
    return undefined
  }
  try {
    return JSON.parse(decoder.decode(data))
  } catch (err) {
    throw new ProtocolError('payload is not valid JSON', { cause: err })
  }
}
