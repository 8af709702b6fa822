/**
 * `node.map`: checks a job's inputs and options, every input encoded before
 * any task is sent, and starts the job.
 */
import { DEFAULT_MAP_CONCURRENCY, MAX_MAP_INPUTS } from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { encodePayload } from '../wire/payload.ts'
import { RunningMap } from './map-job.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { MapJob, MapOptions } from './map-types.ts'
import type { MapJournal } from './map-journal.ts'
import type { TaskRunner } from './task-runner.ts'

/** What a job needs from the node. */
export interface MapParts {
  /** Builds the runner of the job's calls from the per-task options (it checks them, and throws on bad ones) */
  runner: (options: MapOptions) => TaskRunner
  /** The job's journal state when it has a `journal` option (throws when the node cannot keep it) */
  durable: (inputs: EncodedPayload[]) => MapJournal | undefined
}

/** Starts a job of one task per input. */
export function startMap<O> (inputs: unknown, options: MapOptions, parts: MapParts): MapJob<O> {
  if (!Array.isArray(inputs)) {
    throw new InvalidArgumentError('map takes an array of inputs')
  }
  if (inputs.length > MAX_MAP_INPUTS) {
    throw new InvalidArgumentError(`map takes at most ${MAX_MAP_INPUTS} inputs`)
  }
  const concurrency = options.concurrency ?? DEFAULT_MAP_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError('concurrency is a positive integer')
  }
  const speculative = options.speculative ?? true
  if (typeof speculative !== 'boolean') {
    throw new InvalidArgumentError('speculative is a boolean')
  }
  const journal = options.journal
  if (journal != null && (typeof journal !== 'object' || typeof journal.id !== 'string')) {
    throw new InvalidArgumentError('journal is { id: string }')
  }
  // the tasks' calls get no signal of their own: the job cancels them
  const runner = parts.runner({ ...options, signal: undefined })
  const encoded = encodeAll(inputs)
  const durable = parts.durable(encoded)
  return new RunningMap<O>({ runner, inputs: encoded, concurrency, speculative, signal: options.signal, durable })
}

function encodeAll (inputs: unknown[]): EncodedPayload[] {
  return inputs.map((input, index) => {
    try {
      return encodePayload(input)
    } catch (err: any) {
      throw new InvalidArgumentError(`input ${index} cannot be sent: ${err.message}`, { cause: err })
    }
  })
}
