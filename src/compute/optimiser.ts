/**
 * Inner optimisers: what a trainer applies to its local parameters after
 * each minibatch gradient.
 */

import { InvalidArgumentError } from '../errors.ts'

/** Minibatch SGD, optionally with (Nesterov) momentum. */
export interface SgdConfig {
  kind: 'sgd'
  lr: number
  momentum?: number
  nesterov?: boolean
}

/** Adam (Kingma and Ba, 2015), bias-corrected. */
export interface AdamConfig {
  kind: 'adam'
  lr: number
  beta1?: number
  beta2?: number
  epsilon?: number
}

export type InnerOptimiserConfig = SgdConfig | AdamConfig

/** Updates parameters in place from a gradient; keeps its own state across steps. */
export interface InnerOptimiser {
  step(params: Float32Array, grad: Float32Array): void
}

const DEFAULT_BETA1 = 0.9
const DEFAULT_BETA2 = 0.999
const DEFAULT_EPSILON = 1e-8

/** An inner optimiser for `size` parameters. */
export function createInnerOptimiser (config: InnerOptimiserConfig, size: number): InnerOptimiser {
  if (!(config.lr > 0)) {
    throw new InvalidArgumentError('the learning rate must be positive')
  }
  if (config.kind === 'sgd') {
    return sgd(config, size)
  }
  if (config.kind === 'adam') {
    return adam(config, size)
  }
  throw new InvalidArgumentError('unknown optimiser kind')
}

function sgd ({ lr, momentum = 0, nesterov = false }: SgdConfig, size: number): InnerOptimiser {
  const velocity = momentum > 0 ? new Float32Array(size) : undefined
  return {
    step (params, grad) {
      if (velocity == null) {
        for (let k = 0; k < params.length; k++) params[k] -= lr * grad[k]
        return
      }
      for (let k = 0; k < params.length; k++) {
        const v = momentum * velocity[k] + grad[k]
        velocity[k] = v
        params[k] -= lr * (nesterov ? grad[k] + momentum * v : v)
      }
    }
  }
}

function adam ({ lr, beta1 = DEFAULT_BETA1, beta2 = DEFAULT_BETA2, epsilon = DEFAULT_EPSILON }: AdamConfig, size: number): InnerOptimiser {
  const m = new Float32Array(size)
  const v = new Float32Array(size)
  let t = 0
  return {
    step (params, grad) {
      t++
      // the paper's cheaper form: the bias corrections folded into the step
      // size, with epsilon scaled to match
      const c2 = Math.sqrt(1 - beta2 ** t)
      const stepSize = lr * c2 / (1 - beta1 ** t)
      const eps = epsilon * c2
      const b1 = 1 - beta1
      const b2 = 1 - beta2
      for (let k = 0; k < params.length; k++) {
        const g = grad[k]
        const mk = beta1 * m[k] + b1 * g
        const vk = beta2 * v[k] + b2 * g * g
        m[k] = mk
        v[k] = vk
        params[k] -= stepSize * mk / (Math.sqrt(vk) + eps)
      }
    }
  }
}
