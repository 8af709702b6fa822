/**
 * The public shape of a `map` job: its options, results and progress.
 */

/** Options of {@link MeshNode.map}. */
export interface MapOptions {
  /**
   * Tasks in flight at once (backups of stragglers come on top)
   *
   * @default 16
   */
  concurrency?: number
  /**
   * Dispatches per task at most; a task moves on worker death, reset or
   * stall, and on an error its handler marked retryable
   *
   * @default 3
   */
  maxAttempts?: number
  /**
   * Deadline of each task, across its attempts
   *
   * @default 30000
   */
  timeoutMs?: number
  /** Aborting it cancels the job, as `job.cancel()` does */
  signal?: AbortSignal
  /**
   * Once 75% of the tasks are done, a task running longer than 1.5x the
   * median task time (and at least 50 ms past it, so that tiny tasks are not
   * backed up over noise) gets a backup on another worker; the first answer is
   * kept and the other attempt cancelled. A straggler also lends its slot
   * to the next task (at most twice `concurrency` in flight), so a slow
   * worker cannot hold all the job's slots. Turn off for services that are
   * not idempotent.
   *
   * @default true
   */
  speculative?: boolean
  /**
   * Makes the job survive a restart of this node. Needs a node created with
   * a `journal` (for instance `levelJournal(dir)` from `meshwork/node`) and,
   * so that workers recognise the restarted node, the same identity
   * (`privateKey: await loadIdentity(file)`).
   *
   * The job is recorded under `id` before any task is sent, and each result
   * is recorded before it is handed over. After a restart, calling `map`
   * again with the same service, inputs and `id` re-opens the job: no task
   * whose result came in runs again; a result the reader was done with
   * (it asked for the next one, or stopped) is not yielded again, one that
   * came in but was not yet done with (the reader was killed while handling
   * it, or had not got to it) is yielded first (`all()` resolves with every
   * value, and `progress.done` counts them all); tasks that were in flight
   * go back to their worker under the same task id, so one that finished
   * meanwhile answers from the worker's result cache instead of running
   * twice; the other tasks run as usual. So each result reaches the reader
   * once across restarts, except the one it was handling when it was
   * killed, which comes again: handle results idempotently (keyed by
   * `index`). Re-opening with other inputs fails the job with
   * InvalidArgumentError. The journal forgets the job once it ends
   * (completed, failed or cancelled; not when the node stops), so a later
   * `map` with the same id is a new job.
   *
   * @example
   * ```ts
   * const node = await createMeshNode({ journal: await levelJournal('./tasks'), privateKey: await loadIdentity('./key') })
   * // the same line runs the job the first time and re-opens it after a crash
   * for await (const { index, value } of node.map('count', chunks, { journal: { id: 'count-2026-12' } })) {
   *   await save(index, value)
   * }
   * ```
   */
  journal?: { id: string }
  /** Only dispatch to workers announcing this model */
  model?: string
  /** Capability token presented to protected services */
  token?: Uint8Array
}

/** One task's result, as a job yields it. */
export interface MapResult<O = unknown> {
  /** The task's place in the inputs */
  index: number
  value: O
  /** The worker whose answer was kept */
  peerId: string
}

/** A job's counters, read at any time. */
export interface MapProgress {
  /** Tasks in the job */
  total: number
  /** Tasks with their result in */
  done: number
  /** Tasks in flight (a task with a backup counts once) */
  running: number
  /** Attempts beyond each call's first (moves off dead, stalled or refusing workers) */
  retried: number
  /** Backups started for stragglers */
  speculated: number
}

/**
 * A job of many tasks of one service, spread over its workers. Iterate it
 * for each result once, in the order they complete; `all()` gives the values
 * in input order; both may be used on the same job. The first task that
 * fails for good fails the job with a `MapTaskError` (its `index`, and the
 * `RemoteError` as `cause`), and the tasks still running are cancelled.
 *
 * @example
 * ```ts
 * const job = node.map('square', [1, 2, 3])
 * for await (const { index, value, peerId } of job) {
 *   console.log(index, value, peerId, job.progress.done)
 * }
 * await job.all() // [1, 4, 9]
 * ```
 */
export interface MapJob<O = unknown> extends AsyncIterable<MapResult<O>> {
  readonly progress: MapProgress
  /** Resolves with every value, in input order; rejects when the job fails. */
  all(): Promise<O[]>
  /** Stops the job: running tasks are cancelled, the job ends with AbortError. */
  cancel(): void
}
