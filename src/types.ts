/**
 * The public shape of a mesh node: what `createMeshNode` from
 * `meshwork/node` or `meshwork/browser` returns.
 */
import type { Journal } from './journal/journal.ts'
import type { AccessPolicy } from './security/access.ts'
import type { PeerLimitsInit } from './security/limits.ts'
import type { TelemetrySink } from './telemetry/sink.ts'
import type { PeerPenalties } from './security/penalties.ts'
import type { MapJob, MapOptions } from './compute/map-types.ts'
import type { ConsensusGroup, ConsensusGroupInit } from './consensus/types.ts'
import type { RaftStorageFactory } from './consensus/storage/factory.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { TypedEventTarget } from 'main-event'

/** What a balancer knows of each candidate worker. */
export interface Candidate {
  peerId: string
  /** This node's tasks in flight on the worker */
  outstanding: number
  /** Tasks in flight on the worker as it last reported (all requesters) */
  load: number
  /** Tasks it runs at once for this service */
  capacity: number
  /** Moving average of task latency, if measured */
  latencyMs?: number
}

/**
 * Chooses which live worker runs a task. Pass one as `balancer` to
 * `createMeshNode` or to a single call; see `createBalancer` for the
 * built-in ones.
 *
 * @example
 * ```ts
 * const fastest: Balancer = {
 *   name: 'fastest',
 *   pick: (candidates) => candidates.reduce((a, b) => (a.latencyMs ?? Infinity) <= (b.latencyMs ?? Infinity) ? a : b)
 * }
 * ```
 */
export interface Balancer {
  readonly name: string
  /** Picks one of `candidates` (never empty) for a task of `service`. */
  pick(candidates: Candidate[], service: string): Candidate
}

/** The built-in balancers (see `BALANCER_NAMES`). */
export type BalancerName = 'round-robin' | 'least-loaded' | 'random' | 'p2c-ewma'

/** Liveness of a peer as this node sees it. */
export type PeerState = 'alive' | 'suspect' | 'dead'

/** What kind of peer a node is. */
export type PeerRole = 'node' | 'browser' | 'relay'

/** One row of {@link MeshNode.peers}. */
export interface PeerInfo {
  peerId: string
  state: PeerState
  role: PeerRole | string
  /** Services the peer serves */
  services: string[]
  /** Model names its services advertise */
  models: string[]
  /** Tasks in flight on the peer, as last reported */
  load: number
  /** Tasks the peer runs at once, summed over its services */
  capacity: number
  /** Round-trip time of keepalives, when measured */
  rttMs?: number
  /** Time our frames waited before reaching the wire to this peer (L_s) */
  sendDelayMs?: number
  /** Moving average of task latency on this peer, when measured */
  latencyMs?: number
  /** Whether this node holds an open connection to the peer */
  connected: boolean
  /** Whether that connection is direct (not through a relay) */
  direct: boolean
  /** Multiaddrs the peer announced */
  addrs: string[]
}

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

/** Detail of `task:*` events. */
export interface TaskEvent {
  taskId: string
  service: string
  attempt: number
  /** The worker of this attempt */
  peerId: string
  /** For `task:failover`: the worker the task left, and why */
  from?: string
  reason?: string
  /** For `task:failover`: milliseconds since the failed worker got the task */
  elapsedMs?: number
}

export interface PeerEvent {
  peerId: string
  state: PeerState
}

export interface MeshNodeEvents {
  'peer:alive': CustomEvent<PeerEvent>
  'peer:suspect': CustomEvent<PeerEvent>
  'peer:dead': CustomEvent<PeerEvent>
  /** A task was sent to a worker */
  'task:dispatch': CustomEvent<TaskEvent>
  /** A task moved to another worker */
  'task:failover': CustomEvent<TaskEvent>
  /** A task this node requested finished (result or error) */
  'task:done': CustomEvent<TaskEvent & { ok: boolean }>
  /** The first chunk of a stream this node requested arrived */
  'task:first-chunk': CustomEvent<TaskEvent>
  /** This node started or finished running a task as a worker */
  'work:start': CustomEvent<TaskEvent>
  'work:end': CustomEvent<TaskEvent & { ok: boolean, cancelled?: boolean }>
}

/** Options of the isomorphic core, shared by the Node and browser entries. */
export interface MeshInit {
  /** Hears the node's figures (tasks, calls, failovers, peers); none by default */
  telemetry?: TelemetrySink
  /** Multiaddrs of peers to join through (a relay, or any peer) */
  bootstrap?: string[]
  /**
   * Default balancer
   *
   * @default 'p2c-ewma'
   */
  balancer?: BalancerName | Balancer
  /**
   * What kind of peer this is, as announced
   *
   * @default 'node' ('browser' from `meshwork/browser`)
   */
  role?: PeerRole
  /**
   * Slow refresh of this peer's announcement (stretched as the mesh grows)
   *
   * @default 5000
   */
  presenceIntervalMs?: number
  /**
   * Keepalive period on task channels while tasks are in flight
   *
   * @default 500
   */
  keepaliveIntervalMs?: number
  /**
   * Silence after which a peer holding our tasks is suspect and its tasks move
   *
   * @default 1500
   */
  suspectTimeoutMs?: number
  /**
   * Time suspect before a peer is declared dead
   *
   * @default 10000
   */
  deadTimeoutMs?: number
  /**
   * A worker cancels a requester's tasks after this much silence from it
   *
   * @default 10000
   */
  requesterTimeoutMs?: number
  /**
   * Largest frame accepted on a task channel, in bytes
   *
   * @default 4194304 (4 MiB)
   */
  maxFrameBytes?: number
  /**
   * Direct connections to keep to peers learned through the mesh
   *
   * @default 6
   */
  minConnections?: number
  /**
   * Calls this node may have in flight
   *
   * @default 10000
   */
  maxCalls?: number
  /**
   * Where calls are recorded before dispatch, so that after a restart
   * `recover()` can run them again. Without one, calls live in memory only.
   */
  journal?: Journal
  /** Per-peer limits on the tasks this node accepts as a worker */
  limits?: PeerLimitsInit
}

/** A peer of the mesh: it serves, asks, broadcasts and publishes. */
export interface MeshNode extends TypedEventTarget<MeshNodeEvents> {
  readonly peerId: string
  readonly libp2p: Libp2p
  /** Multiaddrs others can dial this node on */
  addrs(): string[]

  /** Serves a service; a second call with the same name replaces it. */
  serve<I = any, O = any>(service: string, handler: Handler<I, O>, options?: ServeOptions): void
  /** Stops serving; tasks in flight are cancelled. */
  unserve(service: string): void

  /** Runs a task on one worker and resolves with its result. */
  request<O = any>(service: string, input?: unknown, options?: RequestOptions): Promise<O>
  /** Runs a task on one worker and yields its chunks, moving it if the worker dies. */
  stream<O = any>(service: string, input?: unknown, options?: StreamOptions): TaskStream<O>
  /**
   * Runs one task per input over the service's workers; see {@link MapJob}.
   * Throws InvalidArgumentError before anything is sent when `inputs` is not
   * an array or an input cannot be serialised.
   */
  map<O = any>(service: string, inputs: unknown[], options?: MapOptions): MapJob<O>
  /** Runs a task on every live worker of a service and gathers the answers. */
  broadcast<O = any>(service: string, input?: unknown, options?: BroadcastOptions): Promise<Array<BroadcastReply<O>>>

  /** Publishes an event on an application topic. */
  publish(topic: string, data: unknown, options?: { signal?: AbortSignal }): Promise<void>
  /** Calls `handler` for each event on a topic; returns an unsubscribe function. */
  subscribe(topic: string, handler: (data: unknown, meta: { from: string, topic: string }) => void): () => void

  /**
   * Runs again the calls a journal recorded before this node restarted, and
   * hands them back: each resolves once. Call once, after attaching any
   * services; returns nothing without a journal.
   */
  recover(): Promise<RecoveredTask[]>

  /** The peer table: every peer this node knows of and its state. */
  peers(): PeerInfo[]
  /** Resolves once at least `count` live workers serve `service`. */
  waitForWorkers(service: string, count?: number, options?: { signal?: AbortSignal, timeoutMs?: number }): Promise<void>

  /**
   * Opens consensus group `name`: a member if `init.members` lists this
   * peer (Node only), else a client that reaches the group's members
   * through the mesh. See {@link ConsensusGroup}.
   */
  consensus(name: string, init?: ConsensusGroupInit): Promise<ConsensusGroup>

  stop(): Promise<void>
}

/** Everything the core needs from the platform entry. */
export interface MeshComponents {
  libp2p: Libp2p
  privateKey: PrivateKey
  /** Shared with the gossipsub scoring the platform configured */
  penalties?: PeerPenalties
  /** Storage for consensus group members; without it this node is only ever a client */
  raftStorage?: RaftStorageFactory
}
