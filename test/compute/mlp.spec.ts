import { describe, expect, it } from 'vitest'
import { MNIST_SHAPE, accuracy, flatten, initParams, lossAndGradient, paramCount, predict, unflatten, validateShape } from '../../src/compute/mlp.ts'
import { seededRandom } from '../../src/compute/random.ts'
import { sameBytes } from './simulate.ts'
import type { Dataset, ModelShape } from '../../src/compute/mlp.ts'

const SMALL: ModelShape = {
  layers: [
    { in: 12, out: 7, activation: 'relu' },
    { in: 7, out: 5, activation: 'relu' },
    { in: 5, out: 4, activation: 'softmax' }
  ]
}

function randomData (count: number, inputSize: number, classes: number, seed: number): Dataset {
  const rng = seededRandom(seed)
  // some exact zeros, as in digit images, to exercise the sparse paths
  const inputs = Float32Array.from({ length: count * inputSize }, () => rng.next() < 0.3 ? 0 : rng.next())
  const labels = Uint8Array.from({ length: count }, () => rng.below(classes))
  return { inputs, labels, inputSize }
}

describe('mlp', () => {
  it('has the gradient that finite differences give', () => {
    const data = randomData(6, 12, 4, 3)
    const params = initParams(SMALL, 5)
    const indices = [0, 1, 2, 3, 4, 5]
    const grad = new Float32Array(params.length)
    lossAndGradient(SMALL, params, data, indices, grad)
    const eps = 1e-2
    const scratch = new Float32Array(params.length)
    let checked = 0
    for (let k = 0; k < params.length; k++) {
      const saved = params[k]
      params[k] = saved + eps
      const up = lossAndGradient(SMALL, params, data, indices, scratch)
      params[k] = saved - eps
      const down = lossAndGradient(SMALL, params, data, indices, scratch)
      params[k] = saved
      const numeric = (up - down) / (2 * eps)
      expect(Math.abs(numeric - grad[k])).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric))
      if (Math.abs(grad[k]) > 1e-3) checked++
    }
    // most parameters had a gradient worth checking
    expect(checked).toBeGreaterThan(params.length / 2)
  })

  it('gives probabilities that sum to 1, and the same parameters for the same seed', () => {
    const params = initParams(MNIST_SHAPE, 7)
    expect(params.length).toBe(784 * 64 + 64 + 64 * 10 + 10)
    expect(paramCount(MNIST_SHAPE)).toBe(params.length)
    expect(sameBytes(initParams(MNIST_SHAPE, 7), params)).toBe(true)
    expect(sameBytes(initParams(MNIST_SHAPE, 8), params)).toBe(false)
    const p = predict(MNIST_SHAPE, params, new Float32Array(784).fill(0.5))
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
  })

  it('flattens and unflattens row-major layers', () => {
    const params = initParams(SMALL, 1)
    const layers = unflatten(SMALL, params)
    expect(layers.map(l => [l.weights.length, l.bias.length])).toEqual([[84, 7], [35, 5], [20, 4]])
    layers[1].weights[2 * 7 + 3] = 42
    expect(params[84 + 7 + 2 * 7 + 3]).toBe(42)
    expect(flatten(SMALL, layers.map(l => ({ weights: l.weights.slice(), bias: l.bias.slice() })))).toEqual(params)
  })

  it('refuses shapes that do not chain or put softmax in the middle', () => {
    expect(() => validateShape({ layers: [] })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => validateShape({ layers: [{ in: 4, out: 3, activation: 'relu' }, { in: 2, out: 2, activation: 'softmax' }] })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => validateShape({ layers: [{ in: 4, out: 3, activation: 'softmax' }, { in: 3, out: 2, activation: 'softmax' }] })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => unflatten(SMALL, new Float32Array(3))).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('scores a model that always answers class 0 by the share of zeros', () => {
    const shape: ModelShape = { layers: [{ in: 2, out: 2, activation: 'softmax' }] }
    const data: Dataset = { inputs: new Float32Array(8), labels: Uint8Array.from([0, 1, 0, 0]), inputSize: 2 }
    expect(accuracy(shape, Float32Array.from([0, 0, 0, 0, 1, 0]), data)).toBe(0.75)
  })
})
