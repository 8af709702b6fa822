/**
 * The map case's job, shared by its workers and requesters: task `i` takes
 * `{ i }` and answers `{ i, square: i * i }`, as JSON on every system.
 */

export const MAP_SERVICE = 'bench-map'
export const MAP_SUBJECT = 'bench.map'
export const MAP_QUEUE = 'bench-map-workers'

export interface MapServeOptions {
  /** One worker per entry, answering after that many ms */
  workMs: number[]
  bootstrap?: string
  natsUrl?: string
}

export interface MapRunOptions {
  workers: number
  tasks: number
  /** Tasks in flight at once, the same for every way of running the job */
  concurrency: number
  /** Tasks of a first, untimed run of the same job (0: a cold requester) */
  warmup: number
  bootstrap?: string
  natsUrl?: string
}

export function answer (input: { i: number }): { i: number, square: number } {
  return { i: input.i, square: input.i * input.i }
}

/** How many of `values` (in input order) are not the right answer. */
export function wrongAnswers (values: Array<{ i: number, square: number } | undefined>): number {
  let wrong = 0
  values.forEach((v, i) => { if (v?.i !== i || v.square !== i * i) wrong++ })
  return wrong
}
