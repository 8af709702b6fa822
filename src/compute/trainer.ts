/**
 * A trainer's side of a round: start from the global parameters, run H
 * inner steps on its own shard, and report delta = global − local.
 */

import { InvalidArgumentError } from '../errors.ts'
import { lossAndGradient, paramCount, validateShape } from './mlp.ts'
import { createInnerOptimiser } from './optimiser.ts'
import { seededRandom, shuffle } from './random.ts'
import { computeDelta } from './outer.ts'
import type { Dataset, ModelShape } from './mlp.ts'
import type { InnerOptimiserConfig } from './optimiser.ts'
import type { Contribution } from './outer.ts'

/** What a trainer needs. */
export interface TrainerInit {
  shape: ModelShape
  /** This trainer's training samples */
  shard: Dataset
  /** Inner steps per round (the paper's H) */
  innerSteps: number
  batchSize: number
  optimiser: InnerOptimiserConfig
  /** Seeds the order the shard is visited in */
  seed: number
}

/** Runs rounds of local training; keeps its inner optimiser state between rounds. */
export interface Trainer {
  /** Trains `innerSteps` minibatches from `global` and returns the round's contribution. */
  runRound(global: Float32Array): Contribution
  /** The local parameters after the last round */
  readonly local: Float32Array
  /** Inner steps each round runs */
  readonly innerSteps: number
}

/**
 * A trainer over a shard. Batches are drawn from a shuffled pass over the
 * shard, reshuffled (seeded) at the end of each pass.
 *
 * @example
 * ```ts
 * const trainer = createTrainer({ shape: MNIST_SHAPE, shard, innerSteps: 50, batchSize: 16, optimiser: { kind: 'adam', lr: 1e-3 }, seed: 1 })
 * const { delta, samples } = trainer.runRound(global)
 * ```
 */
export function createTrainer (init: TrainerInit): Trainer {
  const { shape, shard, innerSteps, batchSize } = init
  validateShape(shape)
  const count = shard.labels.length
  if (count === 0 || !Number.isInteger(innerSteps) || innerSteps < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError('a trainer needs samples, innerSteps >= 1 and batchSize >= 1')
  }
  if (shard.inputSize !== shape.layers[0].in) {
    throw new InvalidArgumentError(`samples have ${shard.inputSize} values, the model takes ${shape.layers[0].in}`)
  }
  const size = paramCount(shape)
  const optimiser = createInnerOptimiser(init.optimiser, size)
  const rng = seededRandom(init.seed)
  const order = shuffle(Int32Array.from({ length: count }, (_, k) => k), rng)
  const batch = new Int32Array(Math.min(batchSize, count))
  const grad = new Float32Array(size)
  const local = new Float32Array(size)
  let cursor = 0

  const nextBatch = (): Int32Array => {
    for (let b = 0; b < batch.length; b++) {
      if (cursor === count) {
        shuffle(order, rng)
        cursor = 0
      }
      batch[b] = order[cursor++]
    }
    return batch
  }

  return {
    local,
    innerSteps,
    runRound (global) {
      if (global.length !== size) {
        throw new InvalidArgumentError(`expected ${size} parameters, got ${global.length}`)
      }
      local.set(global)
      for (let step = 0; step < innerSteps; step++) {
        lossAndGradient(shape, local, shard, nextBatch(), grad)
        optimiser.step(local, grad)
      }
      return { delta: computeDelta(global, local), samples: innerSteps * batch.length }
    }
  }
}
