import { beforeAll, describe, expect, it } from 'vitest'
import { TEST_SAMPLES_PER_DIGIT, loadMnist, shard } from '../../demos/training/data.ts'
import { TRAINING_DEFAULTS } from '../../demos/training/hyperparameters.ts'
import { MNIST_SHAPE, accuracy, initParams } from '../../src/compute/mlp.ts'
import { createTrainer } from '../../src/compute/trainer.ts'
import { sameBytes, simulate } from './simulate.ts'
import type { MnistSplit } from '../../demos/training/data.ts'

const settings = TRAINING_DEFAULTS
const WORKERS = 4
const JOINERS = 1
/** Round in which one trainer dies mid-round: about 40% of the rounds. */
const KILL_ROUND = Math.floor(0.4 * settings.rounds)
/** Round during which the late trainer joins; it trains from the next one. */
const JOIN_ROUND = KILL_ROUND + 2

/** One process, the whole training set, `samples` samples in batches of the same size. */
function baseline (split: MnistSplit, samples: number): number {
  const trainer = createTrainer({
    shape: MNIST_SHAPE,
    shard: split.train,
    innerSteps: samples / settings.batchSize,
    batchSize: settings.batchSize,
    optimiser: settings.inner,
    seed: settings.seed
  })
  trainer.runRound(initParams(MNIST_SHAPE, settings.seed))
  return accuracy(MNIST_SHAPE, trainer.local, split.test)
}

describe('training on MNIST', () => {
  let split: MnistSplit
  beforeAll(() => { split = loadMnist() })

  it('holds out the last 100 samples of each digit and deals the rest over shards', () => {
    const { train, test } = split
    expect(test.labels.length).toBe(10 * TEST_SAMPLES_PER_DIGIT)
    for (let d = 0; d < 10; d++) expect(test.labels.filter(l => l === d).length).toBe(TEST_SAMPLES_PER_DIGIT)
    expect(train.labels.length + test.labels.length).toBe(10_000)
    const shards = shard(train, 5, 3)
    expect(shards.map(s => s.labels.length).reduce((a, b) => a + b)).toBe(train.labels.length)
    expect(Math.max(...shards.map(s => s.labels.length)) - Math.min(...shards.map(s => s.labels.length))).toBeLessThanOrEqual(1)
    const again = shard(train, 5, 3)
    expect(again.every((s, t) => sameBytes(s.inputs, shards[t].inputs))).toBe(true)
    expect(sameBytes(shard(train, 5, 4)[0].inputs, shards[0].inputs)).toBe(false)
    expect(() => shard(train, 0, 1)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
  })

  it('with 4 trainers, one killed and one joining late, matches one process and sends far fewer bytes', () => {
    const run = simulate({
      settings,
      shards: shard(split.train, WORKERS + JOINERS, settings.seed),
      workers: WORKERS,
      kill: { 3: KILL_ROUND },
      join: { 4: JOIN_ROUND },
      late: { 1: 2 }
    })
    // the dead trainer is out from its round on, the joiner in from the round after it joined
    expect(run.included[KILL_ROUND - 1]).toContain('trainer-3')
    expect(run.included.slice(KILL_ROUND).flat()).not.toContain('trainer-3')
    expect(run.included[JOIN_ROUND]).not.toContain('trainer-4')
    expect(run.included[JOIN_ROUND + 1]).toContain('trainer-4')
    expect(run.leftOut[2]).toEqual(['trainer-1'])
    const distributed = accuracy(MNIST_SHAPE, run.params, split.test)
    const single = baseline(split, run.samples)
    expect(single).toBeGreaterThanOrEqual(0.93)
    expect(distributed).toBeGreaterThanOrEqual(0.93)
    expect(distributed).toBeGreaterThanOrEqual(single - 0.01)
    expect(run.bytesIfEveryStep / run.bytesSent).toBeGreaterThanOrEqual(50)
  })

  it('gives the same model bytes for the same seed without faults', () => {
    const short = { ...settings, rounds: 2, innerSteps: 10 }
    const shards = shard(split.train, WORKERS, settings.seed)
    const a = simulate({ settings: short, shards, workers: WORKERS })
    const b = simulate({ settings: short, shards, workers: WORKERS })
    expect(a.included).toEqual([['trainer-0', 'trainer-1', 'trainer-2', 'trainer-3'], ['trainer-0', 'trainer-1', 'trainer-2', 'trainer-3']])
    expect(sameBytes(a.params, b.params)).toBe(true)
    const other = simulate({ settings: { ...short, seed: settings.seed + 1 }, shards, workers: WORKERS })
    expect(sameBytes(a.params, other.params)).toBe(false)
  })
})
