/**
 * Messages between the training tab and its Web Worker, which runs the
 * MLP math so that training never blocks the page.
 *
 * - `{ type: 'init', init }` builds the trainer (the shard's buffers are
 *   transferred); the worker answers `{ type: 'ready' }`
 * - `{ type: 'round', id, params }` runs one round's inner steps from
 *   `params`; the worker answers `{ type: 'delta', id, delta, samples }`
 *
 * A failure answers `{ type: 'error', id?, name, message }`.
 */
import type { TrainerInit } from '../../../src/compute/trainer.ts'

export type ToWorker =
  | { type: 'init', init: TrainerInit }
  | { type: 'round', id: number, params: Float32Array }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'delta', id: number, delta: Float32Array, samples: number }
  | { type: 'error', id?: number, name: string, message: string }
