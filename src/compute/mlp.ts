/**
 * A dense multi-layer perceptron on one flat `Float32Array` of parameters:
 * relu hidden layers, a softmax output and cross-entropy loss. Plain loops,
 * no Node-only APIs, so it runs in a browser Web Worker as well.
 */

import { InvalidArgumentError } from '../errors.ts'
import { seededRandom } from './random.ts'

/** What a dense layer applies after its affine map. */
export type Activation = 'relu' | 'softmax'

/** The shape of one dense layer. */
export interface LayerShape {
  in: number
  out: number
  activation: Activation
}

/** Dense layers in order; the last is softmax, the others relu. */
export interface ModelShape {
  layers: LayerShape[]
}

/** Samples as one flat array: sample `k` is `inputs[k * inputSize ...]`. */
export interface Dataset {
  inputs: Float32Array
  labels: Uint8Array
  inputSize: number
}

/** One layer's parameters as views into the flat array. */
export interface LayerParams {
  weights: Float32Array
  bias: Float32Array
}

/** The 784-64-10 network for MNIST digits. */
export const MNIST_SHAPE: ModelShape = {
  layers: [
    { in: 784, out: 64, activation: 'relu' },
    { in: 64, out: 10, activation: 'softmax' }
  ]
}

/** Checks that the layers chain and that only the last is softmax. */
export function validateShape (shape: ModelShape): void {
  const { layers } = shape
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InvalidArgumentError('a model needs at least one layer')
  }
  layers.forEach((layer, l) => {
    if (!Number.isInteger(layer.in) || !Number.isInteger(layer.out) || layer.in < 1 || layer.out < 1) {
      throw new InvalidArgumentError(`layer ${l}: in and out must be positive integers`)
    }
    if (l > 0 && layers[l - 1].out !== layer.in) {
      throw new InvalidArgumentError(`layer ${l}: in is ${layer.in} but the layer before gives ${layers[l - 1].out}`)
    }
    const expected = l === layers.length - 1 ? 'softmax' : 'relu'
    if (layer.activation !== expected) {
      throw new InvalidArgumentError(`layer ${l}: activation must be ${expected}`)
    }
  })
}

/** How many floats the flat parameter array of `shape` holds. */
export function paramCount (shape: ModelShape): number {
  return shape.layers.reduce((n, { in: i, out: o }) => n + o * i + o, 0)
}

/**
 * Views of each layer's weights (row-major, `weights[o * in + i]`) and bias
 * in the flat array, in order: weights then bias, layer after layer.
 */
export function unflatten (shape: ModelShape, params: Float32Array): LayerParams[] {
  if (params.length !== paramCount(shape)) {
    throw new InvalidArgumentError(`expected ${paramCount(shape)} parameters, got ${params.length}`)
  }
  let offset = 0
  return shape.layers.map(({ in: i, out: o }) => {
    const weights = params.subarray(offset, offset + o * i)
    const bias = params.subarray(offset + o * i, offset + o * i + o)
    offset += o * i + o
    return { weights, bias }
  })
}

/** Copies per-layer arrays into one flat parameter array (the inverse of {@link unflatten}). */
export function flatten (shape: ModelShape, layers: LayerParams[]): Float32Array {
  const params = new Float32Array(paramCount(shape))
  unflatten(shape, params).forEach((view, l) => {
    view.weights.set(layers[l].weights)
    view.bias.set(layers[l].bias)
  })
  return params
}

/**
 * Fresh parameters: He-normal weights for relu layers, Glorot-normal for the
 * softmax layer, zero biases. The same seed gives the same bytes.
 */
export function initParams (shape: ModelShape, seed: number): Float32Array {
  validateShape(shape)
  const rng = seededRandom(seed)
  const params = new Float32Array(paramCount(shape))
  unflatten(shape, params).forEach(({ weights }, l) => {
    const { in: i, out: o, activation } = shape.layers[l]
    const std = activation === 'relu' ? Math.sqrt(2 / i) : Math.sqrt(2 / (i + o))
    for (let k = 0; k < weights.length; k++) {
      weights[k] = rng.normal() * std
    }
  })
  return params
}

/** Per-call scratch space: each layer's output and its non-zero input indices. */
interface Scratch {
  acts: Float32Array[]
  deltas: Float32Array[]
  nonZero: Int32Array[]
  nonZeroCount: number[]
}

function scratch (shape: ModelShape): Scratch {
  const sizes = [shape.layers[0].in, ...shape.layers.map(l => l.out)]
  return {
    acts: sizes.map(n => new Float32Array(n)),
    deltas: sizes.map(n => new Float32Array(n)),
    nonZero: sizes.map(n => new Int32Array(n)),
    nonZeroCount: sizes.map(() => 0)
  }
}

/** Forward pass of one sample; digits and relu outputs are mostly zero, so only non-zero inputs are visited. */
function forwardInto (shape: ModelShape, layers: LayerParams[], s: Scratch, x: Float32Array): Float32Array {
  s.acts[0].set(x)
  for (let l = 0; l < layers.length; l++) {
    const a = s.acts[l]
    const nz = s.nonZero[l]
    let count = 0
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== 0) nz[count++] = i
    }
    s.nonZeroCount[l] = count
    const { weights, bias } = layers[l]
    const { in: width, out, activation } = shape.layers[l]
    const z = s.acts[l + 1]
    for (let o = 0; o < out; o++) {
      let sum = bias[o]
      const row = o * width
      for (let k = 0; k < count; k++) {
        const i = nz[k]
        sum += weights[row + i] * a[i]
      }
      z[o] = sum
    }
    if (activation === 'relu') {
      for (let o = 0; o < out; o++) if (z[o] < 0) z[o] = 0
    } else {
      let max = -Infinity
      for (let o = 0; o < out; o++) if (z[o] > max) max = z[o]
      let total = 0
      for (let o = 0; o < out; o++) {
        z[o] = Math.exp(z[o] - max)
        total += z[o]
      }
      for (let o = 0; o < out; o++) z[o] /= total
    }
  }
  return s.acts[layers.length]
}

/** Class probabilities of one input of `shape.layers[0].in` floats. */
export function predict (shape: ModelShape, params: Float32Array, x: Float32Array): Float32Array {
  return forwardInto(shape, unflatten(shape, params), scratch(shape), x).slice()
}

/**
 * Mean cross-entropy of the samples `indices` of `data`, and its gradient
 * written into `grad` (same layout as `params`). Returns the loss.
 */
export function lossAndGradient (shape: ModelShape, params: Float32Array, data: Dataset, indices: ArrayLike<number>, grad: Float32Array): number {
  const layers = unflatten(shape, params)
  const grads = unflatten(shape, grad)
  grad.fill(0)
  const s = scratch(shape)
  const scale = 1 / indices.length
  const last = layers.length - 1
  let loss = 0
  for (let n = 0; n < indices.length; n++) {
    const k = indices[n]
    const x = data.inputs.subarray(k * data.inputSize, (k + 1) * data.inputSize)
    const p = forwardInto(shape, layers, s, x)
    const y = data.labels[k]
    loss -= Math.log(Math.max(p[y], 1e-12))
    // softmax with cross-entropy: dL/dz = p - onehot(y)
    const top = s.deltas[last + 1]
    for (let o = 0; o < p.length; o++) top[o] = (p[o] - (o === y ? 1 : 0)) * scale
    for (let l = last; l >= 0; l--) {
      const delta = s.deltas[l + 1]
      const a = s.acts[l]
      const nz = s.nonZero[l]
      const count = s.nonZeroCount[l]
      const { in: width, out } = shape.layers[l]
      const { weights } = layers[l]
      const g = grads[l]
      for (let o = 0; o < out; o++) {
        const d = delta[o]
        if (d === 0) continue
        g.bias[o] += d
        const row = o * width
        for (let c = 0; c < count; c++) {
          const i = nz[c]
          g.weights[row + i] += d * a[i]
        }
      }
      if (l === 0) break
      // back through the relu below: only units that were on pass a gradient
      const below = s.deltas[l]
      below.fill(0)
      for (let c = 0; c < count; c++) {
        const i = nz[c]
        let sum = 0
        for (let o = 0; o < out; o++) sum += weights[o * width + i] * delta[o]
        below[i] = sum
      }
    }
  }
  return loss * scale
}

/** The fraction of `data`'s samples whose most probable class is their label. */
export function accuracy (shape: ModelShape, params: Float32Array, data: Dataset): number {
  const layers = unflatten(shape, params)
  const s = scratch(shape)
  const count = data.labels.length
  let right = 0
  for (let k = 0; k < count; k++) {
    const p = forwardInto(shape, layers, s, data.inputs.subarray(k * data.inputSize, (k + 1) * data.inputSize))
    let best = 0
    for (let o = 1; o < p.length; o++) if (p[o] > p[best]) best = o
    if (best === data.labels[k]) right++
  }
  return count === 0 ? 0 : right / count
}
