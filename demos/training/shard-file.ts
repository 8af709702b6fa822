/**
 * A trainer's shard of training samples as one binary file, for a browser
 * tab that cannot load the `mnist` package itself: a header of two uint32
 * (little-endian: samples, values per sample), one label byte per sample
 * padded to a multiple of 4 bytes, then the inputs as float32
 * (little-endian), exactly the values a Node trainer trains on.
 *
 * Runs anywhere: no Node-only code, so the tab decodes what the page server
 * encodes.
 */

import { ProtocolError } from '../../src/errors.ts'
import type { Dataset } from '../../src/compute/mlp.ts'

/** Samples a shard file holds at most (all of MNIST's training digits fit). */
export const MAX_SHARD_SAMPLES = 60_000
/** Values per sample a shard file holds at most. */
export const MAX_SHARD_INPUT_SIZE = 4_096
const HEADER_BYTES = 8
const FLOAT_BYTES = 4

const labelBytes = (count: number): number => Math.ceil(count / FLOAT_BYTES) * FLOAT_BYTES
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The bytes of `data` as a shard file. */
export function encodeShard (data: Dataset): Uint8Array {
  const count = data.labels.length
  const inputsAt = HEADER_BYTES + labelBytes(count)
  const out = new Uint8Array(inputsAt + data.inputs.length * FLOAT_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, count, true)
  view.setUint32(4, data.inputSize, true)
  out.set(data.labels, HEADER_BYTES)
  for (let k = 0; k < data.inputs.length; k++) view.setFloat32(inputsAt + k * FLOAT_BYTES, data.inputs[k], true)
  return out
}

/**
 * Reads a shard file; a file of the wrong size or with more than
 * {@link MAX_SHARD_SAMPLES} samples raises a `ProtocolError`.
 */
export function decodeShard (bytes: Uint8Array, options: { inputSize?: number, classes?: number } = {}): Dataset {
  if (bytes.length < HEADER_BYTES) throw new ProtocolError('a shard file starts with an 8-byte header')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(0, true)
  const inputSize = view.getUint32(4, true)
  if (count === 0 || count > MAX_SHARD_SAMPLES || inputSize === 0 || inputSize > MAX_SHARD_INPUT_SIZE) {
    throw new ProtocolError(`a shard file of ${count} samples of ${inputSize} values`)
  }
  if (options.inputSize != null && inputSize !== options.inputSize) {
    throw new ProtocolError(`shard samples have ${inputSize} values, the model takes ${options.inputSize}`)
  }
  const inputsAt = HEADER_BYTES + labelBytes(count)
  if (bytes.length !== inputsAt + count * inputSize * FLOAT_BYTES) {
    throw new ProtocolError(`a shard file of ${count} samples has ${inputsAt + count * inputSize * FLOAT_BYTES} bytes, not ${bytes.length}`)
  }
  const labels = bytes.slice(HEADER_BYTES, HEADER_BYTES + count)
  if (options.classes != null && labels.some(l => l >= (options.classes as number))) {
    throw new ProtocolError(`a shard label is not below ${options.classes}`)
  }
  let inputs: Float32Array
  if (littleEndian) {
    inputs = new Float32Array(bytes.slice(inputsAt).buffer)
  } else {
    inputs = new Float32Array(count * inputSize)
    for (let k = 0; k < inputs.length; k++) inputs[k] = view.getFloat32(inputsAt + k * FLOAT_BYTES, true)
  }
  return { inputs, labels, inputSize }
}
