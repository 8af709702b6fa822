/**
 * What a node's calls take and give: a handler and its context, the
 * options of `serve`, `request`, `stream` and `broadcast`, and their replies.
 * Re-exported by `types.ts`, the node's public shape.
 */
import type { AccessPolicy } from './security/access.ts'
import type { Balancer, BalancerName, MeshNode } from './types.ts'

/** What a handler learns about the task it runs. */
export interface HandlerContext {
  /** Aborted when the caller cancels, times out, or moves the task elsewhere */
  signal: AbortSignal
  taskId: string
  /** Attempt number, 1 for the first dispatch */
  attempt: number
  service: string
  /** The requesting peer */
  requester: string
  /**
   * Chunks the caller already received from earlier attempts of this
   * streaming task, so a handler can continue (an LLM from prompt + tokens).
   * Empty on a first attempt.
   */
  resume: { chunks: unknown[] }
}

/**
 * A service handler: return a value (or a promise of one) for a single
 * reply, or be an async generator to stream chunks.
 */
export type Handler<I = any, O = any> = (input: I, ctx: HandlerContext) => O | Promise<O> | AsyncIterable<O>

/** Options of {@link MeshNode.serve}. */
export interface ServeOptions {
  /**
   * Tasks run at once; more wait in a bounded queue
   *
   * @default 16
   */
  concurrency?: number
  /**
   * Tasks queued beyond `concurrency` before refusing with RateLimitedError
   *
   * @default concurrency * 64
   */
  maxQueue?: number
  /**
   * How a streaming handler resumes a task moved from another worker:
   * `'replay'` (default) runs the handler from the start and drops the chunks
   * the caller already has, fine for deterministic handlers; `'continue'`
   * means the handler reads `ctx.resume.chunks` and yields only what follows.
   *
   * @default 'replay'
   */
  resume?: 'replay' | 'continue'
  /** Model names announced with the service (for routing by model) */
  models?: string[]
  /**
   * Who may call: an allow-list of peer ids and/or the mesh owner whose
   * capability tokens are honoured. Open to every peer when left out.
   */
  access?: AccessPolicy
}

/** Options every call takes. */
export interface CallOptions {
  /**
   * Deadline for the whole call, across attempts
   *
   * @default 30000 for `request`, 300000 for `stream`
   */
  timeoutMs?: number
  /** Aborting it ends the call with AbortError and cancels the worker's task */
  signal?: AbortSignal
  /**
   * Balancer for this call
   *
   * @default the node's `balancer`
   */
  balancer?: BalancerName | Balancer
  /**
   * Dispatches at most; a task moves on peer death, reset or stall
   *
   * @default 3
   */
  maxAttempts?: number
  /**
   * `'direct'` (default) picks a known worker and falls back to a broadcast
   * claim when none is known; `'broadcast'` always announces the task on the
   * service topic and grants it to the first worker that offers.
   *
   * @default 'direct'
   */
  mode?: 'direct' | 'broadcast'
  /** Only dispatch to workers announcing this model */
  model?: string
  /** Prefer this worker when it is alive and serves the service */
  preferPeer?: string
  /** Capability token presented to protected services */
  token?: Uint8Array
}

/** Options of {@link MeshNode.request}. */
export interface RequestOptions extends CallOptions {
  /**
   * When the first attempt has not answered after this long, a second goes
   * to another worker; the first answer is kept and the other attempt
   * cancelled. Only for idempotent services: both attempts may run.
   */
  hedgeAfterMs?: number
}

/** Options of {@link MeshNode.stream}. */
export interface StreamOptions extends CallOptions {
  /**
   * A stream that started and then sends nothing for this long, while the
   * caller reads, moves to another worker. (Before its first chunk a worker
   * may take its time; its liveness is watched regardless.)
   *
   * @default 5000
   */
  stallTimeoutMs?: number
  /**
   * Chunks the worker may send ahead of the reader, 1 to 65536; lower it
   * for large chunks (a reader may leave at most 64 MiB unread)
   *
   * @default 1024
   */
  window?: number
}

/** Options of {@link MeshNode.broadcast}. */
export interface BroadcastOptions {
  /**
   * Deadline for every worker's answer
   *
   * @default 30000
   */
  timeoutMs?: number
  /** Aborting it ends every worker's call with AbortError */
  signal?: AbortSignal
  /**
   * Resolve once this many workers answered successfully (and cancel the
   * rest); reject once that can no longer happen
   *
   * @default every live worker's answer
   */
  quorum?: number
  /** Capability token presented to protected services */
  token?: Uint8Array
}

/** One worker's answer to a {@link MeshNode.broadcast}. */
export type BroadcastReply<T = unknown> =
  | { peerId: string, ok: true, value: T }
  | { peerId: string, ok: false, error: Error }

/** A streamed reply: iterate it for the chunks. */
export interface TaskStream<T = unknown> extends AsyncIterable<T> {
  /** The task id, as in task events */
  readonly id: string
  /** The peer serving the current attempt, once dispatched */
  readonly worker: string | undefined
  /** Stops the task; iteration ends with an AbortError */
  cancel(): void
}

/** A call recorded before a restart and running again (see {@link MeshNode.recover}). */
export interface RecoveredTask<O = unknown> {
  id: string
  service: string
  input: unknown
  streaming: boolean
  /** The outcome of a single-reply call */
  result?: Promise<O>
  /** The chunks of a streaming call, from its first */
  stream?: TaskStream<O>
}
