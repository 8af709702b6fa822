/**
 * `model.json`: `{ "layers": [ { "in", "out", "weights", "bias", "activation" } ] }`,
 * dense layers applied in order, `weights` row-major (`weights[o * in + i]`),
 * `activation` `"relu"` (hidden) or `"softmax"` (last).
 */

import { InvalidArgumentError, InvalidModelError } from '../errors.ts'
import { flatten, paramCount, unflatten, validateShape } from './mlp.ts'
import type { Activation, ModelShape } from './mlp.ts'

/** Most layers a model file may have. */
export const MAX_MODEL_LAYERS = 64
/** Most parameters a model file may have (all layers together). */
export const MAX_MODEL_PARAMS = 16 * 1024 * 1024

/** One layer as `model.json` stores it. */
export interface ModelJsonLayer {
  in: number
  out: number
  weights: number[]
  bias: number[]
  activation: Activation
}

/** The contents of `model.json`. */
export interface ModelJson {
  layers: ModelJsonLayer[]
}

/** A model read back: its shape and flat parameters. */
export interface LoadedModel {
  shape: ModelShape
  params: Float32Array
}

/** The `model.json` document of a model. */
export function toModelJson (shape: ModelShape, params: Float32Array): ModelJson {
  const views = unflatten(shape, params)
  return {
    layers: shape.layers.map((layer, l) => ({
      in: layer.in,
      out: layer.out,
      weights: Array.from(views[l].weights),
      bias: Array.from(views[l].bias),
      activation: layer.activation
    }))
  }
}

function floats (value: unknown, length: number, where: string): Float32Array {
  if (!Array.isArray(value) || value.length !== length) {
    throw new InvalidModelError(`${where} must be an array of ${length} numbers`)
  }
  const out = new Float32Array(length)
  for (let k = 0; k < length; k++) {
    const v = value[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidModelError(`${where}[${k}] is not a finite number`)
    }
    out[k] = v
  }
  return out
}

/**
 * Reads a `model.json` document (text or parsed) and checks it whole: layers
 * chain, only the last is softmax, every array has its size, every value is
 * finite. Anything else raises an `InvalidModelError`.
 */
export function parseModelJson (input: string | unknown): LoadedModel {
  let doc: unknown = input
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input)
    } catch (err) {
      throw new InvalidModelError('model.json is not JSON', { cause: err })
    }
  }
  const layers = (doc as { layers?: unknown } | null)?.layers
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_MODEL_LAYERS) {
    throw new InvalidModelError(`model.json needs "layers": an array of 1 to ${MAX_MODEL_LAYERS} layers`)
  }
  const shape: ModelShape = {
    layers: layers.map((layer: any, l) => {
      if (layer == null || typeof layer !== 'object') {
        throw new InvalidModelError(`layer ${l} is not an object`)
      }
      return { in: layer.in, out: layer.out, activation: layer.activation }
    })
  }
  try {
    validateShape(shape)
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new InvalidModelError(err.message, { cause: err })
    throw err
  }
  if (paramCount(shape) > MAX_MODEL_PARAMS) {
    throw new InvalidModelError(`the model has more than ${MAX_MODEL_PARAMS} parameters`)
  }
  const params = flatten(shape, shape.layers.map(({ in: i, out: o }, l) => ({
    weights: floats(layers[l].weights, o * i, `layers[${l}].weights`),
    bias: floats(layers[l].bias, o, `layers[${l}].bias`)
  })))
  return { shape, params }
}
