/**
 * Parameters and deltas on the wire. An 8-byte header (format version,
 * encoding, value count) and then either little-endian float32 values, or
 * int8 values with one float32 scale per block of {@link INT8_BLOCK_SIZE}
 * (symmetric, absolute-max scaling) for deltas, which stand the rounding.
 */

import { InvalidArgumentError, ProtocolError } from '../errors.ts'

/** How the values are stored. */
export type ParamEncoding = 'float32' | 'int8'

/** Most values a message may carry by default (16 MiB of float32). */
export const DEFAULT_MAX_PARAM_VALUES = 4 * 1024 * 1024
/** Values sharing one int8 scale. */
export const INT8_BLOCK_SIZE = 256

const FORMAT_VERSION = 1
const HEADER_BYTES = 8
const ENCODING_IDS: Record<ParamEncoding, number> = { float32: 0, int8: 1 }
const INT8_MAX = 127

/** Limits on decoding. */
export interface DecodeOptions {
  /** Reject messages with more values than this */
  maxValues?: number
  /** Reject messages that do not hold exactly this many values */
  expectedValues?: number
}

/** The bytes `encodeParams` gives for `count` values. */
export function encodedSize (count: number, encoding: ParamEncoding): number {
  return encoding === 'float32' ? HEADER_BYTES + 4 * count : HEADER_BYTES + 4 * Math.ceil(count / INT8_BLOCK_SIZE) + count
}

/** Encodes `values` (which must be finite). */
export function encodeParams (values: Float32Array, encoding: ParamEncoding = 'float32'): Uint8Array {
  const id = ENCODING_IDS[encoding]
  if (id == null) {
    throw new InvalidArgumentError(`unknown encoding ${String(encoding)}`)
  }
  const bytes = new Uint8Array(encodedSize(values.length, encoding))
  const view = new DataView(bytes.buffer)
  view.setUint8(0, FORMAT_VERSION)
  view.setUint8(1, id)
  view.setUint32(4, values.length, true)
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      throw new InvalidArgumentError(`value ${k} is not finite`)
    }
  }
  if (encoding === 'float32') {
    for (let k = 0; k < values.length; k++) view.setFloat32(HEADER_BYTES + 4 * k, values[k], true)
    return bytes
  }
  const blocks = Math.ceil(values.length / INT8_BLOCK_SIZE)
  const data = new Int8Array(bytes.buffer, HEADER_BYTES + 4 * blocks)
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(values.length, (b + 1) * INT8_BLOCK_SIZE)
    let max = 0
    for (let k = b * INT8_BLOCK_SIZE; k < end; k++) max = Math.max(max, Math.abs(values[k]))
    const scale = max / INT8_MAX
    view.setFloat32(HEADER_BYTES + 4 * b, scale, true)
    for (let k = b * INT8_BLOCK_SIZE; k < end; k++) {
      data[k] = scale === 0 ? 0 : Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(values[k] / scale)))
    }
  }
  return bytes
}

/** Decodes what {@link encodeParams} gave; any other bytes raise a `ProtocolError`. */
export function decodeParams (bytes: Uint8Array, options: DecodeOptions = {}): Float32Array {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) {
    throw new ProtocolError('parameter message shorter than its header')
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(0) !== FORMAT_VERSION || view.getUint16(2, true) !== 0) {
    throw new ProtocolError(`unknown parameter format ${view.getUint8(0)}`)
  }
  const encoding = (Object.keys(ENCODING_IDS) as ParamEncoding[]).find(e => ENCODING_IDS[e] === view.getUint8(1))
  if (encoding == null) {
    throw new ProtocolError(`unknown parameter encoding ${view.getUint8(1)}`)
  }
  const count = view.getUint32(4, true)
  const maxValues = options.maxValues ?? DEFAULT_MAX_PARAM_VALUES
  if (count > maxValues) {
    throw new ProtocolError(`parameter message of ${count} values exceeds ${maxValues}`)
  }
  if (options.expectedValues != null && count !== options.expectedValues) {
    throw new ProtocolError(`parameter message has ${count} values, expected ${options.expectedValues}`)
  }
  if (bytes.length !== encodedSize(count, encoding)) {
    throw new ProtocolError(`parameter message is ${bytes.length} bytes, its header says ${encodedSize(count, encoding)}`)
  }
  const values = new Float32Array(count)
  if (encoding === 'float32') {
    for (let k = 0; k < count; k++) values[k] = view.getFloat32(HEADER_BYTES + 4 * k, true)
  } else {
    const blocks = Math.ceil(count / INT8_BLOCK_SIZE)
    for (let k = 0; k < count; k++) {
      const scale = view.getFloat32(HEADER_BYTES + 4 * Math.floor(k / INT8_BLOCK_SIZE), true)
      values[k] = view.getInt8(HEADER_BYTES + 4 * blocks + k) * scale
    }
  }
  for (let k = 0; k < count; k++) {
    if (!Number.isFinite(values[k])) {
      throw new ProtocolError(`value ${k} is not finite`)
    }
  }
  return values
}
