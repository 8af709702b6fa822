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
   * median task time gets a backup on another worker; the first answer is
   * kept and the other attempt cancelled. A straggler also lends its slot
   * to the next task (at most twice `concurrency` in flight), so a slow
   * worker cannot hold all the job's slots. Turn off for services that are
   * not idempotent.
   *
   * @default true
   */
  speculative?: boolean
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
