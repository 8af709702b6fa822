/**
 * The mesh node: one peer that serves, asks, broadcasts and publishes. It
 * wires the parts together (task channels, peer table, presence, liveness,
 * requester, worker, claims, pub/sub) on a libp2p node that the platform
 * entry (`meshwork/node`, `meshwork/browser`) has built.
 */
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter } from 'main-event'
import { Channels } from './channel/channels.ts'
import {
  DEFAULT_CLAIM_ROUND_MS, DEFAULT_DEAD_TIMEOUT_MS, DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_MAX_CALLS,
  DEFAULT_MAX_FRAME_BYTES, DEFAULT_MIN_CONNECTIONS, DEFAULT_PRESENCE_INTERVAL_MS, DEFAULT_REQUESTER_TIMEOUT_MS,
  DEFAULT_SUSPECT_TIMEOUT_MS, MAX_CHANNEL_BUFFER_BYTES
} from './constants.ts'
import { createBalancer } from './dispatch/balancers.ts'
import { publishClaim } from './dispatch/claims.ts'
import { Requester } from './dispatch/requester.ts'
import { Liveness } from './liveness/liveness.ts'
import { Calls } from './mesh-calls.ts'
import { AntiEntropy } from './presence/anti-entropy.ts'
import { Connector } from './presence/connector.ts'
import { PeerTable } from './presence/peer-table.ts'
import { Presence } from './presence/presence.ts'
import { peerInfo } from './presence/peer-info.ts'
import { AppTopics } from './pubsub/app-topics.ts'
import { RelayTopics } from './pubsub/relay-topics.ts'
import { Offers } from './worker/offers.ts'
import { WorkerRuntime } from './worker/worker.ts'
import { KIND_CANCEL, KIND_CHUNK, KIND_CREDIT, KIND_ERROR, KIND_OFFER, KIND_PING, KIND_PONG, KIND_RESULT, KIND_TASK } from './wire/frame.ts'
import type { TaskChannel } from './channel/task-channel.ts'
import type { PeerRecord } from './presence/peer-table.ts'
import type { PeerPenalties } from './security/penalties.ts'
import type {
  BroadcastOptions, BroadcastReply, CallOptions, Handler, MeshComponents, MeshInit, MeshNode, MeshNodeEvents,
  PeerInfo, PeerState, RecoveredTask, ServeOptions, StreamOptions, TaskStream
} from './types.ts'
import type { Frame } from './wire/frame.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId } from '@libp2p/interface'

class Mesh extends TypedEventEmitter<MeshNodeEvents> implements MeshNode {
  readonly peerId: string
  readonly libp2p: Libp2p
  private readonly log = logger('meshwork:node')
  private readonly table: PeerTable
  private readonly channels: Channels
  private readonly worker: WorkerRuntime
  private readonly requester: Requester
  private readonly presence: Presence
  private readonly liveness: Liveness
  private readonly offers: Offers
  private readonly topics: AppTopics
  private readonly relayTopics?: RelayTopics
  private readonly connector: Connector
  private readonly antiEntropy: AntiEntropy
  private readonly calls: Calls
  private readonly role: string
  private readonly penalties?: PeerPenalties
  private sweepTimer?: ReturnType<typeof setInterval>
  private stopped = false

  constructor (components: MeshComponents, init: MeshInit) {
    super()
    const { libp2p, privateKey, penalties } = components
    const pubsub = (libp2p.services as { pubsub?: GossipSub }).pubsub
    if (pubsub == null) {
      throw new Error('the libp2p node needs a gossipsub service named "pubsub"')
    }
    this.libp2p = libp2p
    this.peerId = libp2p.peerId.toString()
    this.role = init.role ?? 'node'
    this.penalties = penalties
    const log = (component: string): ReturnType<typeof logger> => logger(`meshwork:${component}`)
    const emit = (type: keyof MeshNodeEvents, detail: unknown): void => {
      this.safeDispatch(type, detail)
    }
    this.table = new PeerTable({
      selfId: this.peerId,
      onState: (record, previous) => { this.onPeerState(record, previous) }
    })
    this.channels = new Channels({
      libp2p,
      log: log('channel'),
      maxFrameBytes: init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxBufferedBytes: MAX_CHANNEL_BUFFER_BYTES,
      onFrame: (frame, channel) => { this.onFrame(frame, channel) },
      onClose: (channel, err) => { this.onChannelClose(channel, err) },
      onViolation: (channel) => { this.onViolation(channel.remotePeer) },
      refuse: (peer) => penalties?.isGraylisted(peer) === true
    })
    this.worker = new WorkerRuntime({
      log: log('worker'),
      limits: init.limits,
      onServicesChanged: () => {
        this.offers.servicesChanged()
        this.presence.announceSoon()
      },
      emit
    })
    this.offers = new Offers({ libp2p, pubsub, worker: this.worker, channels: this.channels, log: log('claims'), penalties })
    this.requester = new Requester({
      log: log('dispatch'),
      table: this.table,
      channels: this.channels,
      maxCalls: init.maxCalls ?? DEFAULT_MAX_CALLS,
      publishClaim: async (call) => { await publishClaim(libp2p, pubsub, call) },
      claimRoundMs: DEFAULT_CLAIM_ROUND_MS,
      claimRounds: 3,
      journal: init.journal,
      emit
    })
    this.presence = new Presence({
      libp2p,
      pubsub,
      privateKey,
      table: this.table,
      log: log('presence'),
      role: this.role,
      presenceIntervalMs: init.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS,
      services: () => [...this.worker.slots()].map(s => ({
        name: s.name,
        concurrency: s.concurrency,
        load: s.running + s.queue.length,
        models: s.models
      })),
      onAnnouncement: (peerId) => { this.connector.consider(peerId) }
    })
    this.antiEntropy = new AntiEntropy({
      libp2p,
      log: log('presence'),
      sync: async (peerId, signal) => { await this.presence.sync(peerId, signal) },
      interval: () => this.presence.interval()
    })
    this.liveness = new Liveness({
      libp2p,
      log: log('liveness'),
      table: this.table,
      channels: this.channels,
      requester: this.requester,
      worker: this.worker,
      keepaliveIntervalMs: init.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
      suspectTimeoutMs: init.suspectTimeoutMs ?? DEFAULT_SUSPECT_TIMEOUT_MS,
      deadTimeoutMs: init.deadTimeoutMs ?? DEFAULT_DEAD_TIMEOUT_MS,
      requesterTimeoutMs: init.requesterTimeoutMs ?? DEFAULT_REQUESTER_TIMEOUT_MS,
      onWitnessedDeath: (peer) => { this.presence.markGone(peer) }
    })
    this.topics = new AppTopics(pubsub, log('pubsub'), penalties)
    if (this.role === 'relay') {
      this.relayTopics = new RelayTopics(pubsub, penalties)
    }
    this.connector = new Connector({
      libp2p,
      log: log('connector'),
      bootstrap: init.bootstrap ?? [],
      minConnections: init.minConnections ?? DEFAULT_MIN_CONNECTIONS,
      onBootstrapConnected: async (peerId) => {
        await this.presence.sync(peerId, AbortSignal.timeout(10_000))
        // the peers already here learn of this one now, not a refresh later
        this.presence.announceSoon()
        this.antiEntropy.catchUp(peerId)
      }
    })
    this.calls = new Calls({
      requester: this.requester,
      table: this.table,
      balancer: createBalancer(init.balancer ?? 'p2c-ewma'),
      journal: init.journal,
      maxCalls: init.maxCalls ?? DEFAULT_MAX_CALLS
    })
  }

  async start (): Promise<void> {
    await this.channels.start()
    await this.presence.start()
    this.offers.start()
    this.relayTopics?.start()
    this.liveness.start()
    this.antiEntropy.start()
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    this.sweepTimer = setInterval(() => { this.presence.sweep(Date.now()) }, 1_000)
    await this.connector.start()
  }

  addrs (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  serve<I = any, O = any> (service: string, handler: Handler<I, O>, options?: ServeOptions): void {
    this.worker.serve(service, handler, options)
  }

  unserve (service: string): void {
    this.worker.unserve(service)
  }

  async request<O = any> (service: string, input?: unknown, options: CallOptions = {}): Promise<O> {
    return this.calls.request(service, input, options)
  }

  stream<O = any> (service: string, input?: unknown, options: StreamOptions = {}): TaskStream<O> {
    return this.calls.stream(service, input, options)
  }

  async broadcast<O = any> (service: string, input?: unknown, options: BroadcastOptions = {}): Promise<Array<BroadcastReply<O>>> {
    return this.calls.broadcast(service, input, options)
  }

  async publish (topic: string, data: unknown): Promise<void> {
    await this.topics.publish(topic, data)
  }

  subscribe (topic: string, handler: (data: unknown, meta: { from: string, topic: string }) => void): () => void {
    return this.topics.subscribe(topic, handler)
  }

  async recover (): Promise<RecoveredTask[]> {
    return this.calls.recover()
  }

  peers (): PeerInfo[] {
    return [...this.table.all()].map(record => peerInfo(record, this.libp2p, this.channels))
  }

  async waitForWorkers (service: string, count = 1, options: { signal?: AbortSignal, timeoutMs?: number } = {}): Promise<void> {
    await this.calls.waitForWorkers(service, count, options)
  }

  async stop (): Promise<void> {
    if (this.stopped) {
      return
    }
    this.stopped = true
    clearInterval(this.sweepTimer)
    this.connector.stop()
    this.antiEntropy.stop()
    this.liveness.stop()
    this.requester.stop()
    this.worker.stop()
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    await this.presence.stop()
    this.offers.stop()
    this.relayTopics?.stop()
    this.topics.stop()
    await this.channels.stop()
    await this.libp2p.stop()
  }

  private onFrame (frame: Frame, channel: TaskChannel): void {
    const peer = channel.remotePeer
    this.liveness.heard(peer)
    switch (frame.kind) {
      case KIND_TASK: this.worker.onTask(frame, channel); break
      case KIND_CANCEL: this.worker.onCancel(frame, peer); break
      case KIND_CREDIT: this.worker.onCredit(frame, peer); break
      case KIND_PING: this.liveness.onPing(frame, channel); break
      case KIND_PONG: this.liveness.onPong(frame, channel); break
      case KIND_CHUNK:
      case KIND_RESULT:
      case KIND_ERROR:
      case KIND_OFFER: this.requester.onFrame(frame, channel); break
      default: this.log('ignoring frame of unknown kind %d from %s', frame.kind, peer)
    }
  }

  private onChannelClose (channel: TaskChannel, err?: Error): void {
    const peer = channel.remotePeer
    if (err != null && this.dependsOn(peer)) {
      // a reset (not a clean close) makes a peer holding our tasks suspect at once
      this.table.suspect(peer)
    }
    this.requester.onWorkerDown(peer, err != null ? 'stream reset' : 'channel closed', channel)
    if (channel.direction === 'inbound') {
      this.worker.onRequesterGone(peer)
    }
  }

  /**
   * A peer sent garbage on a task channel: it is penalised as for invalid
   * gossip, and once graylisted it is hung up on (the platform's connection
   * gater keeps it out while the penalty lasts).
   */
  private onViolation (peer: string): void {
    if (this.penalties == null) {
      return
    }
    this.penalties.add(peer)
    if (this.penalties.isGraylisted(peer)) {
      this.log('hanging up on %s: it keeps breaking the task protocol', peer)
      this.libp2p.hangUp(peerIdFromString(peer)).catch(() => {})
    }
  }

  /**
   * A lost connection makes a peer holding our tasks suspect at once (its
   * tasks move). Any other peer may just have been hung up on: it is probed
   * quietly, and declared dead only if it plainly cannot be reached.
   */
  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    if (this.dependsOn(peer)) {
      this.table.suspect(peer)
    } else {
      this.liveness.checkLater(peer)
    }
    this.requester.onWorkerDown(peer, 'disconnected')
    this.worker.onRequesterGone(peer)
  }

  /** Whether this node has tasks in flight on `peer`. */
  private dependsOn (peer: string): boolean {
    return (this.table.get(peer)?.outstanding ?? 0) > 0
  }

  private onPeerState (record: PeerRecord, previous: PeerState | undefined): void {
    const { peerId, state } = record
    this.liveness.onState(peerId, state)
    if (state === 'suspect' || state === 'dead') {
      this.requester.onWorkerDown(peerId, state)
    }
    if (previous !== state) {
      this.safeDispatch(`peer:${state}`, { peerId, state })
    }
  }

  private safeDispatch (type: keyof MeshNodeEvents, detail: unknown): void {
    // task and work events fire for every call: skip building an event nobody hears
    if (this.listenerCount(type) === 0) {
      return
    }
    try {
      this.dispatchEvent(new CustomEvent(type, { detail }))
    } catch (err: any) {
      this.log.error('a %s listener threw: %s', type, err.message)
    }
  }
}

/**
 * Builds a mesh node on a started libp2p node. Platform entries call this;
 * applications use `createMeshNode` from `meshwork/node` or
 * `meshwork/browser`.
 */
export async function createMesh (components: MeshComponents, init: MeshInit = {}): Promise<MeshNode> {
  const mesh = new Mesh(components, init)
  try {
    await mesh.start()
  } catch (err) {
    await mesh.stop().catch(() => {})
    throw err
  }
  return mesh
}
