/**
 * The mesh node: one peer that serves, asks, broadcasts and publishes. It
 * starts and stops the parts (built in mesh-parts.ts), routes task-channel
 * frames to them, and turns peer state changes into events, on a libp2p
 * node that the platform entry (`meshwork/node`, `meshwork/browser`) has
 * built.
 */
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter } from 'main-event'
import { ConsensusHub } from './consensus/hub.ts'
import { createParts } from './mesh-parts.ts'
import { NotStartedError } from './errors.ts'
import { peerInfo } from './presence/peer-info.ts'
import { observeMesh } from './telemetry/observe.ts'
import type { TelemetryObserver } from './telemetry/observe.ts'
import { KIND_CANCEL, KIND_CHUNK, KIND_CLAIM, KIND_CREDIT, KIND_ERROR, KIND_OFFER, KIND_PING, KIND_PONG, KIND_RESULT, KIND_TASK } from './wire/frame.ts'
import type { MeshParts } from './mesh-parts.ts'
import type { TaskChannel } from './channel/task-channel.ts'
import type { PeerRecord } from './presence/peer-table.ts'
import type { PeerPenalties } from './security/penalties.ts'
import type {
  BroadcastOptions, BroadcastReply, Handler, MeshComponents, MeshInit, MeshNode, MeshNodeEvents,
  PeerInfo, PeerState, RecoveredTask, RequestOptions, ServeOptions, StreamOptions, TaskStream
} from './types.ts'
import type { MapJob, MapOptions } from './compute/map-types.ts'
import type { ConsensusGroup, ConsensusGroupInit } from './consensus/types.ts'
import type { TelemetrySink } from './telemetry/sink.ts'
import type { Frame } from './wire/frame.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId } from '@libp2p/interface'

class Mesh extends TypedEventEmitter<MeshNodeEvents> implements MeshNode {
  readonly peerId: string
  readonly libp2p: Libp2p
  private readonly log = logger('meshwork:node')
  private readonly parts: MeshParts
  private readonly groups: ConsensusHub
  private readonly penalties?: PeerPenalties
  private stopped = false
  private readonly init: MeshInit
  private observer?: TelemetryObserver

  constructor (components: MeshComponents, init: MeshInit) {
    super()
    this.init = init
    const { libp2p, privateKey, penalties, raftStorage } = components
    const pubsub = (libp2p.services as { pubsub?: GossipSub }).pubsub
    if (pubsub == null) {
      throw new Error('the libp2p node needs a gossipsub service named "pubsub"')
    }
    this.libp2p = libp2p
    this.peerId = libp2p.peerId.toString()
    this.penalties = penalties
    this.parts = createParts({ libp2p, pubsub, privateKey, penalties }, { ...init, role: init.role ?? 'node' }, {
      onFrame: (frame, channel) => { this.onFrame(frame, channel) },
      onViolation: (peer) => { this.onViolation(peer) },
      onPeerState: (record, previous) => { this.onPeerState(record, previous) },
      emit: (type, detail) => {
        this.observer?.(type, detail)
        this.safeDispatch(type, detail)
      }
    })
    this.groups = new ConsensusHub({
      node: this,
      libp2p,
      log: logger('meshwork:consensus'),
      storage: raftStorage,
      onViolation: (peer) => { this.onViolation(peer) },
      refuse: (peer) => penalties?.isGraylisted(peer) === true
    })
  }

  async start (): Promise<void> {
    const { channels, presence, offers, relayTopics, liveness, antiEntropy, gossipStreams, connector } = this.parts
    await channels.start()
    await presence.start()
    gossipStreams.start()
    offers.start()
    relayTopics?.start()
    liveness.start()
    antiEntropy.start()
    this.libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    await connector.start()
    this.attachTelemetry(this.init.telemetry)
  }

  private attachTelemetry (sink: TelemetrySink | undefined): void {
    if (sink == null) {
      return
    }
    const { worker, table } = this.parts
    sink.attach?.({
      services: () => [...worker.slots()].map(s => ({ name: s.name, running: s.running, queued: s.queue.length })),
      peers: () => {
        const counts = { alive: 0, suspect: 0, dead: 0 }
        for (const record of table.all()) counts[record.state]++
        return counts
      }
    })
    this.observer = observeMesh(sink)
  }

  addrs (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  serve<I = any, O = any> (service: string, handler: Handler<I, O>, options?: ServeOptions): void {
    this.parts.worker.serve(service, handler, options)
  }

  unserve (service: string): void {
    this.parts.worker.unserve(service)
  }

  async request<O = any> (service: string, input?: unknown, options: RequestOptions = {}): Promise<O> {
    return this.parts.calls.request(service, input, options)
  }

  map<O = any> (service: string, inputs: unknown[], options: MapOptions = {}): MapJob<O> {
    return this.parts.calls.map(service, inputs, options)
  }

  stream<O = any> (service: string, input?: unknown, options: StreamOptions = {}): TaskStream<O> {
    return this.parts.calls.stream(service, input, options)
  }

  async broadcast<O = any> (service: string, input?: unknown, options: BroadcastOptions = {}): Promise<Array<BroadcastReply<O>>> {
    return this.parts.calls.broadcast(service, input, options)
  }

  async publish (topic: string, data: unknown, options?: { signal?: AbortSignal }): Promise<void> {
    await this.parts.topics.publish(topic, data, options)
  }

  subscribe (topic: string, handler: (data: unknown, meta: { from: string, topic: string }) => void): () => void {
    return this.parts.topics.subscribe(topic, handler)
  }

  async recover (): Promise<RecoveredTask[]> {
    return this.parts.calls.recover()
  }

  peers (): PeerInfo[] {
    return [...this.parts.table.all()].map(record => peerInfo(record, this.libp2p, this.parts.channels))
  }

  async waitForWorkers (service: string, count = 1, options: { signal?: AbortSignal, timeoutMs?: number } = {}): Promise<void> {
    await this.parts.calls.waitForWorkers(service, count, options)
  }

  async consensus (name: string, init?: ConsensusGroupInit): Promise<ConsensusGroup> {
    if (this.stopped) {
      throw new NotStartedError()
    }
    return this.groups.open(name, init)
  }

  async stop (): Promise<void> {
    if (this.stopped) {
      return
    }
    this.stopped = true
    await this.groups.stop()
    this.observer = undefined
    const { connector, antiEntropy, gossipStreams, liveness, requester, worker, presence, offers, relayTopics, topics, channels } = this.parts
    connector.stop()
    antiEntropy.stop()
    gossipStreams.stop()
    liveness.stop()
    requester.stop()
    worker.stop()
    this.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    await presence.stop()
    offers.stop()
    relayTopics?.stop()
    topics.stop()
    await channels.stop()
    await this.libp2p.stop()
  }

  private onFrame (frame: Frame, channel: TaskChannel): void {
    const peer = channel.remotePeer
    const { liveness, worker, requester, offers } = this.parts
    liveness.heard(peer)
    switch (frame.kind) {
      case KIND_TASK: worker.onTask(frame, channel); break
      case KIND_CANCEL: worker.onCancel(frame, peer); break
      case KIND_CREDIT: worker.onCredit(frame, peer); break
      case KIND_PING: liveness.onPing(frame, channel); break
      case KIND_PONG: liveness.onPong(frame, channel); break
      case KIND_CLAIM: offers.onClaimFrame(frame, channel); break
      case KIND_CHUNK:
      case KIND_RESULT:
      case KIND_ERROR:
      case KIND_OFFER: requester.onFrame(frame, channel); break
      default: this.log('ignoring frame of unknown kind %d from %s', frame.kind, peer)
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

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.parts.loss.disconnected(evt.detail.toString())
  }

  private onPeerState (record: PeerRecord, previous: PeerState | undefined): void {
    const { peerId, state } = record
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
