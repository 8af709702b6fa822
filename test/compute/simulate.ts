/**
 * An in-process run of the whole round protocol on a simulated clock: the
 * coordinator state machine, trainer loops, deltas through the wire codec.
 * No network; trainers "die" by never reporting again.
 */

import { createRounds } from '../../src/compute/rounds.ts'
import { createTrainer } from '../../src/compute/trainer.ts'
import { decodeParams, encodeParams, encodedSize } from '../../src/compute/codec.ts'
import { everyStepBytes } from '../../src/compute/traffic.ts'
import { MNIST_SHAPE, initParams, paramCount } from '../../src/compute/mlp.ts'
import type { Dataset } from '../../src/compute/mlp.ts'
import type { Trainer } from '../../src/compute/trainer.ts'
import type { TrainingSettings } from '../../demos/training/hyperparameters.ts'

export const ROUND_TIMEOUT_MS = 1_000

export interface Scenario {
  settings: TrainingSettings
  /** One shard per trainer, initial trainers first, then joiners */
  shards: Dataset[]
  workers: number
  /** Trainer index → the round in which it dies mid-round */
  kill?: Record<number, number>
  /** Trainer index → the round during which it joins */
  join?: Record<number, number>
  /** Trainer index → a round in which it reports past the deadline */
  late?: Record<number, number>
}

export interface SimulationResult {
  params: Float32Array
  rounds: number
  /** Samples behind all committed deltas */
  samples: number
  bytesSent: number
  bytesIfEveryStep: number
  /** Round → trainers included */
  included: string[][]
  leftOut: string[][]
}

/** Whether two float arrays hold the same bytes. */
export const sameBytes = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

const name = (t: number): string => `trainer-${t}`

/** Runs `scenario` to its last round. */
export function simulate (scenario: Scenario): SimulationResult {
  const { settings, shards, workers, kill = {}, join = {}, late = {} } = scenario
  const size = paramCount(MNIST_SHAPE)
  const paramBytes = encodedSize(size, 'float32')
  const rounds = createRounds({ params: initParams(MNIST_SHAPE, settings.seed), outer: settings.outer, roundTimeoutMs: ROUND_TIMEOUT_MS })
  const trainers = new Map<string, Trainer>()
  const start = (t: number, nowMs: number): Float32Array => {
    trainers.set(name(t), createTrainer({
      shape: MNIST_SHAPE,
      shard: shards[t],
      innerSteps: settings.innerSteps,
      batchSize: settings.batchSize,
      optimiser: settings.inner,
      seed: settings.seed * 1000 + t
    }))
    return rounds.join(name(t), nowMs).params
  }
  let bytesSent = 0
  let global: Float32Array = new Float32Array(size)
  for (let t = 0; t < workers; t++) {
    global = start(t, 0)
    bytesSent += paramBytes
  }
  rounds.tick(0)
  const result: SimulationResult = { params: global, rounds: settings.rounds, samples: 0, bytesSent: 0, bytesIfEveryStep: 0, included: [], leftOut: [] }
  let now = 0
  for (let r = 0; r < settings.rounds; r++) {
    const state = rounds.state()
    const events: Array<{ atMs: number, run: () => ReturnType<typeof rounds.tick> }> = []
    state.expected.forEach(id => {
      const t = Number(id.split('-')[1])
      if (kill[t] != null && r >= kill[t]) return
      const { delta, samples } = (trainers.get(id) as Trainer).runRound(global)
      const bytes = encodeParams(delta, settings.deltaEncoding)
      // trainers finish at different times; a late one past the deadline
      const atMs = now + (late[t] === r ? 1.5 * ROUND_TIMEOUT_MS : 100 + 37 * t)
      events.push({
        atMs,
        run: () => {
          bytesSent += bytes.length
          return rounds.report(id, r, { delta: decodeParams(bytes, { expectedValues: size }), samples }, atMs).commit
        }
      })
    })
    for (const [t, round] of Object.entries(join)) {
      if (round !== r) continue
      events.push({ atMs: now + 50, run: () => { start(Number(t), now + 50); bytesSent += paramBytes; return undefined } })
    }
    events.sort((a, b) => a.atMs - b.atMs)
    let commit
    for (const event of events) {
      commit = event.run() ?? commit
      if (commit != null) now = Math.max(now, event.atMs)
    }
    if (commit == null) {
      now = state.deadlineMs as number
      commit = rounds.tick(now)
    }
    if (commit == null) throw new Error(`round ${r} did not commit`)
    global = commit.params.slice()
    bytesSent += paramBytes * rounds.state().trainers.length
    result.samples += commit.samples
    result.bytesIfEveryStep += everyStepBytes(commit.samples / settings.batchSize, size)
    result.included.push(commit.included)
    result.leftOut.push(commit.leftOut)
  }
  result.params = global
  result.bytesSent = bytesSent
  return result
}
