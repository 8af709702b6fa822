/**
 * The shard file a browser trainer loads: the samples a Node trainer would
 * train on, byte for byte, and a clear error for a file that is not one.
 */
import { describe, expect, it } from 'vitest'
import { loadMnist, shard } from '../../demos/training/data.ts'
import { MAX_SHARD_SAMPLES, decodeShard, encodeShard } from '../../demos/training/shard-file.ts'
import { sameBytes } from './simulate.ts'

const protocolError = expect.objectContaining({ name: 'ProtocolError' })

describe('shard files', () => {
  it('carry a shard of the training digits exactly', () => {
    const place = shard(loadMnist().train, 3, 1)[2]
    const back = decodeShard(encodeShard(place), { inputSize: 784, classes: 10 })
    expect(back.inputSize).toBe(784)
    expect(Array.from(back.labels)).toEqual(Array.from(place.labels))
    expect(sameBytes(back.inputs, place.inputs)).toBe(true)
  })

  it('refuse a file of the wrong size, shape or labels with a ProtocolError', () => {
    const data = { inputs: Float32Array.from([0, 0.5, 1, 0.25, 0.75, 0]), labels: Uint8Array.from([3, 9]), inputSize: 3 }
    const file = encodeShard(data)
    expect(decodeShard(file).labels).toEqual(data.labels)
    expect(() => decodeShard(file.subarray(0, 4))).toThrow(protocolError)
    expect(() => decodeShard(file.subarray(0, file.length - 1))).toThrow(protocolError)
    expect(() => decodeShard(Uint8Array.from([...file, 0, 0, 0, 0]))).toThrow(protocolError)
    expect(() => decodeShard(file, { inputSize: 784 })).toThrow(protocolError)
    expect(() => decodeShard(file, { classes: 9 })).toThrow(protocolError)
    const huge = file.slice()
    new DataView(huge.buffer).setUint32(0, MAX_SHARD_SAMPLES + 1, true)
    expect(() => decodeShard(huge)).toThrow(protocolError)
    const empty = file.slice()
    new DataView(empty.buffer).setUint32(0, 0, true)
    expect(() => decodeShard(empty)).toThrow(protocolError)
  })
})
