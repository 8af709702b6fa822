/**
 * The outer step of DiLoCo (Douillard et al., 2023, "DiLoCo: Distributed
 * Low-Communication Training of Language Models"): after H inner steps each
 * trainer reports its outer gradient, delta = global − local; the deltas of
 * the round are averaged and an outer optimiser moves the global parameters.
 */

import { InvalidArgumentError } from '../errors.ts'

/** One trainer's report for a round. */
export interface Contribution {
  delta: Float32Array
  /** Samples the trainer trained on this round: the weight of its delta */
  samples: number
}

/**
 * Plain averaging: global −= mean delta, which equals averaging the local
 * parameters when every trainer started from the same global ones.
 */
export interface AverageConfig {
  kind: 'average'
}

/**
 * Nesterov momentum on the outer gradient, as the paper's outer optimiser
 * (it found lr 0.7, momentum 0.9 best).
 */
export interface NesterovConfig {
  kind: 'nesterov'
  lr: number
  momentum: number
}

export type OuterOptimiserConfig = AverageConfig | NesterovConfig

/** Applies an averaged outer gradient to the global parameters in place. */
export interface OuterOptimiser {
  step(global: Float32Array, delta: Float32Array): void
  /** Its state (the momentum buffer), for a coordinator that takes over; none for averaging */
  state(): Float32Array | undefined
}

/** delta = global − local, written into `out` (allocated when not given). */
export function computeDelta (global: Float32Array, local: Float32Array, out = new Float32Array(global.length)): Float32Array {
  if (local.length !== global.length || out.length !== global.length) {
    throw new InvalidArgumentError('parameter arrays differ in length')
  }
  for (let k = 0; k < global.length; k++) out[k] = global[k] - local[k]
  return out
}

/**
 * The mean of the deltas weighted by samples. Sums in the order given, so
 * callers that want the same bytes every run pass a fixed order.
 */
export function averageDeltas (contributions: Contribution[], size: number): Float32Array {
  const total = contributions.reduce((n, c) => n + c.samples, 0)
  if (contributions.length === 0 || !(total > 0)) {
    throw new InvalidArgumentError('averaging needs at least one contribution with samples')
  }
  const sum = new Float64Array(size)
  for (const { delta, samples } of contributions) {
    if (delta.length !== size) {
      throw new InvalidArgumentError(`a delta has ${delta.length} values, expected ${size}`)
    }
    const w = samples / total
    for (let k = 0; k < size; k++) sum[k] += w * delta[k]
  }
  return Float32Array.from(sum)
}

/**
 * An outer optimiser for `size` parameters, resuming from `state` (what
 * another one's `state()` gave) when given.
 */
export function createOuterOptimiser (config: OuterOptimiserConfig, size: number, state?: Float32Array): OuterOptimiser {
  if (state != null && state.length !== size) {
    throw new InvalidArgumentError(`the outer optimiser state has ${state.length} values, expected ${size}`)
  }
  if (config.kind === 'average') {
    return {
      step (global, delta) {
        for (let k = 0; k < size; k++) global[k] -= delta[k]
      },
      state: () => undefined
    }
  }
  if (config.kind !== 'nesterov' || !(config.lr > 0) || !(config.momentum >= 0 && config.momentum < 1)) {
    throw new InvalidArgumentError('the outer optimiser needs a positive lr and a momentum in [0, 1)')
  }
  const { lr, momentum } = config
  const velocity = state?.slice() ?? new Float32Array(size)
  return {
    state: () => velocity.slice(),
    step (global, delta) {
      // Nesterov SGD on the outer gradient: v = μv + Δ; θ −= lr (Δ + μv)
      for (let k = 0; k < size; k++) {
        const v = momentum * velocity[k] + delta[k]
        velocity[k] = v
        global[k] -= lr * (delta[k] + momentum * v)
      }
    }
  }
}
