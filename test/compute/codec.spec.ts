import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INT8_BLOCK_SIZE, decodeParams, encodeParams, encodedSize } from '../../src/compute/codec.ts'
import { parseModelJson, toModelJson } from '../../src/compute/model-json.ts'
import { MNIST_SHAPE, initParams, predict } from '../../src/compute/mlp.ts'
import { seededRandom } from '../../src/compute/random.ts'
import { sameBytes } from './simulate.ts'

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300)

describe('parameter encoding', () => {
  it('carries float32 values exactly and int8 deltas within half a step of their block', () => {
    const rng = seededRandom(4)
    const values = Float32Array.from({ length: 1000 }, () => rng.normal() * 1e-3)
    const exact = encodeParams(values)
    expect(exact.length).toBe(encodedSize(1000, 'float32'))
    expect(sameBytes(decodeParams(exact), values)).toBe(true)
    const small = encodeParams(values, 'int8')
    expect(small.length).toBe(8 + 4 * Math.ceil(1000 / INT8_BLOCK_SIZE) + 1000)
    const back = decodeParams(small, { expectedValues: 1000 })
    for (let b = 0; b * INT8_BLOCK_SIZE < 1000; b++) {
      const block = values.subarray(b * INT8_BLOCK_SIZE, (b + 1) * INT8_BLOCK_SIZE)
      const step = Math.max(...Array.from(block, Math.abs)) / 127
      block.forEach((v, k) => expect(Math.abs(back[b * INT8_BLOCK_SIZE + k] - v)).toBeLessThanOrEqual(step / 2 + 1e-12))
    }
    expect(Array.from(decodeParams(encodeParams(new Float32Array(3), 'int8')))).toEqual([0, 0, 0])
  })

  it('refuses non-finite values to encode', () => {
    expect(() => encodeParams(Float32Array.from([1, Number.NaN]))).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('gives a ProtocolError for bytes that are not a parameter message', () => {
    const good = encodeParams(Float32Array.from([1, 2, 3]))
    const bad = [
      new Uint8Array(3),
      Uint8Array.from([2, ...good.subarray(1)]),
      Uint8Array.from([1, 9, ...good.subarray(2)]),
      good.subarray(0, good.length - 1),
      Uint8Array.from([...good, 0]),
      // a NaN where a value should be
      good.map((b, k) => k >= 8 && k < 12 ? 0xff : b)
    ]
    for (const bytes of bad) {
      expect(() => decodeParams(bytes)).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    }
    expect(() => decodeParams(good, { expectedValues: 4 })).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
    expect(() => decodeParams(good, { maxValues: 2 })).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
  })

  it('decodes any bytes to values or a ProtocolError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, int8) => {
      const header = encodeParams(new Float32Array(Math.floor(tail.length / 5)), int8 ? 'int8' : 'float32').subarray(0, 8)
      for (const bytes of [tail, Uint8Array.from([...header, ...tail])]) {
        try {
          const values = decodeParams(bytes)
          expect(values.every(Number.isFinite)).toBe(true)
        } catch (err: any) {
          expect(err.name).toBe('ProtocolError')
        }
      }
    }), { numRuns: FUZZ_RUNS })
  })
})

describe('model.json', () => {
  const params = initParams(MNIST_SHAPE, 9)

  it('round-trips a model, with weights row-major', () => {
    const doc = toModelJson(MNIST_SHAPE, params)
    expect(doc.layers.map(l => [l.in, l.out, l.activation, l.weights.length, l.bias.length])).toEqual([[784, 64, 'relu', 784 * 64, 64], [64, 10, 'softmax', 640, 10]])
    expect(doc.layers[0].weights[3 * 784 + 5]).toBe(params[3 * 784 + 5])
    const loaded = parseModelJson(JSON.stringify(doc))
    expect(loaded.shape).toEqual(MNIST_SHAPE)
    expect(sameBytes(loaded.params, params)).toBe(true)
    const x = new Float32Array(784).fill(0.25)
    expect(predict(loaded.shape, loaded.params, x)).toEqual(predict(MNIST_SHAPE, params, x))
  })

  it('gives an InvalidModelError for a malformed model', () => {
    const doc = toModelJson(MNIST_SHAPE, params)
    const broken: unknown[] = [
      'not json',
      '{}',
      { layers: [] },
      { layers: [null] },
      { layers: [{ ...doc.layers[0], activation: 'tanh' }, doc.layers[1]] },
      { layers: [doc.layers[1], doc.layers[0]] },
      { layers: [doc.layers[0]] },
      { layers: [{ ...doc.layers[0], weights: doc.layers[0].weights.slice(1) }, doc.layers[1]] },
      { layers: [doc.layers[0], { ...doc.layers[1], bias: [...doc.layers[1].bias.slice(1), 'x'] }] },
      { layers: [doc.layers[0], { ...doc.layers[1], bias: [...doc.layers[1].bias.slice(1), null] }] },
      { layers: [{ in: 1e5, out: 1e5, weights: [], bias: [], activation: 'softmax' }] }
    ]
    for (const input of broken) {
      expect(() => parseModelJson(input)).toThrow(expect.objectContaining({ name: 'InvalidModelError' }))
    }
  })
})
