/**
 * The public shape of a mesh node: what `createMeshNode` from
 * `meshwork/node` or `meshwork/browser` returns.
 */
import type { Journal } from './journal/journal.ts'
import type { PeerLimitsInit } from './security/limits.ts'
import type { TelemetrySink } from './telemetry/sink.ts'
import type { PeerPenalties } from './security/penalties.ts'
import type { MapJob, MapOptions } from './compute/map-types.ts'
import type { ConsensusGroup, ConsensusGroupInit } from './consensus/types.ts'
import type { RaftStorageFactory } from './consensus/storage/factory.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import type { TypedEventTarget } from 'main-event'
import type { Handler, ServeOptions, RequestOptions, StreamOptions, BroadcastOptions, BroadcastReply, TaskStream, RecoveredTask } from './call-types.ts'

export type { HandlerContext, Handler, ServeOptions, CallOptions, RequestOptions, StreamOptions, BroadcastOptions, BroadcastReply, TaskStream, RecoveredTask } from './call-types.ts'

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
