/**
 * The parts of a mesh node and how they are wired: task channels, the peer
 * table, presence, liveness and the one path for lost peers, the requester
 * and the worker, claims and pub/sub. `createParts` only builds; the mesh
 * node starts and stops them.
 */
import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { Channels } from './channel/channels.ts'
import {
  DEFAULT_CLAIM_ROUND_MS, DEFAULT_CLAIM_ROUNDS, DEFAULT_DEAD_TIMEOUT_MS, DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_MAX_CALLS,
  DEFAULT_MAX_FRAME_BYTES, DEFAULT_MIN_CONNECTIONS, DEFAULT_PRESENCE_INTERVAL_MS, DEFAULT_REQUESTER_TIMEOUT_MS,
  DEFAULT_SUSPECT_TIMEOUT_MS, MAX_CHANNEL_BUFFER_BYTES, PRESENCE_SYNC_TIMEOUT_MS
} from './constants.ts'
import { createBalancer } from './dispatch/balancers.ts'
import { claimOnChannels, publishClaim } from './dispatch/claims.ts'
import { Requester } from './dispatch/requester.ts'
import { Liveness } from './liveness/liveness.ts'
import { PeerLoss } from './liveness/peer-loss.ts'
import { Calls } from './mesh-calls.ts'
import { AntiEntropy } from './presence/anti-entropy.ts'
import { Connector } from './presence/connector.ts'
import { PeerTable } from './presence/peer-table.ts'
import { Presence } from './presence/presence.ts'
import { AppTopics } from './pubsub/app-topics.ts'
import { GossipStreams } from './pubsub/gossip-streams.ts'
import { RelayTopics } from './pubsub/relay-topics.ts'
import { Offers } from './worker/offers.ts'
import { WorkerRuntime } from './worker/worker.ts'
import type { TaskChannel } from './channel/task-channel.ts'
import type { PeerRecord } from './presence/peer-table.ts'
import type { PeerPenalties } from './security/penalties.ts'
import type { MeshInit, MeshNodeEvents, PeerState } from './types.ts'
import type { Frame } from './wire/frame.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, PeerId, PrivateKey } from '@libp2p/interface'

export interface MeshParts {
  table: PeerTable
  channels: Channels
  worker: WorkerRuntime
  requester: Requester
  presence: Presence
  liveness: Liveness
  loss: PeerLoss
  offers: Offers
  topics: AppTopics
  relayTopics?: RelayTopics
  connector: Connector
  antiEntropy: AntiEntropy
  gossipStreams: GossipStreams
  calls: Calls
}

/** What the parts tell the mesh node. */
export interface MeshHooks {
  onFrame(frame: Frame, channel: TaskChannel): void
  onViolation(peer: string): void
  onPeerState(record: PeerRecord, previous: PeerState | undefined): void
  emit(type: keyof MeshNodeEvents, detail: unknown): void
}

export interface PartsComponents {
  libp2p: Libp2p
  pubsub: GossipSub
  privateKey: PrivateKey
  penalties?: PeerPenalties
}

const log = (component: string): ReturnType<typeof logger> => logger(`meshwork:${component}`)

/** Builds every part of a mesh node; nothing starts yet. */
export function createParts (components: PartsComponents, init: MeshInit, hooks: MeshHooks): MeshParts {
  const parts = dispatchParts(components, init, hooks) as MeshParts
  Object.assign(parts, presenceParts(components, init, parts, hooks))
  parts.topics = new AppTopics(components.pubsub, log('pubsub'), components.penalties)
  if (init.role === 'relay') {
    parts.relayTopics = new RelayTopics(components.pubsub, components.penalties)
  }
  return parts
}

/** Channels, the peer table, the worker and requester sides, and the lost-peer path. */
function dispatchParts (components: PartsComponents, init: MeshInit, hooks: MeshHooks): Partial<MeshParts> {
  const { libp2p, pubsub, penalties } = components
  const parts: Partial<MeshParts> = {}
  const table = parts.table = new PeerTable({
    selfId: libp2p.peerId.toString(),
    onState: (record, previous) => { parts.loss?.onState(record, previous) }
  })
  const channels = parts.channels = new Channels({
    libp2p,
    log: log('channel'),
    maxFrameBytes: init.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    maxBufferedBytes: MAX_CHANNEL_BUFFER_BYTES,
    onFrame: hooks.onFrame,
    onClose: (channel, err) => { parts.loss?.channelClosed(channel, err) },
    onViolation: (channel) => { hooks.onViolation(channel.remotePeer) },
    refuse: (peer) => penalties?.isGraylisted(peer) === true
  })
  const worker = parts.worker = new WorkerRuntime({
    log: log('worker'),
    limits: init.limits,
    onServicesChanged: () => {
      parts.offers?.servicesChanged()
      parts.presence?.announceSoon()
    },
    emit: hooks.emit
  })
  parts.offers = new Offers({ libp2p, pubsub, worker, channels, log: log('claims'), penalties })
  const requester = parts.requester = new Requester({
    log: log('dispatch'),
    table,
    channels,
    maxCalls: init.maxCalls ?? DEFAULT_MAX_CALLS,
    publishClaim: async (call) => { await publishClaim(libp2p, pubsub, call) },
    claimOnChannels: (call) => claimOnChannels(table, channels, call),
    claimRoundMs: DEFAULT_CLAIM_ROUND_MS,
    claimRounds: DEFAULT_CLAIM_ROUNDS,
    journal: init.journal,
    emit: hooks.emit
  })
  parts.loss = new PeerLoss({
    table,
    moveCalls: (peer, reason, channel) => { requester.onWorkerDown(peer, reason, channel) },
    cancelTasks: (peer, channel) => { worker.onRequesterGone(peer, channel) },
    checkLater: (peer) => { parts.liveness?.checkLater(peer) },
    onState: (record, previous) => {
      parts.liveness?.onState(record.peerId, record.state)
      hooks.onPeerState(record, previous)
    }
  })
  parts.calls = new Calls({
    requester,
    table,
    balancer: createBalancer(init.balancer ?? 'p2c-ewma'),
    journal: init.journal,
    maxCalls: init.maxCalls ?? DEFAULT_MAX_CALLS
  })
  return parts
}

/** Peers the table holds alive with addresses to dial (as many as the table bounds). */
function aliveWithAddrs (table: PeerTable): PeerId[] {
  const out: PeerId[] = []
  for (const record of table.all()) {
    if (record.state === 'alive' && record.addrs.length > 0 && record.role !== 'relay') {
      out.push(peerIdFromString(record.peerId))
    }
  }
  return out
}

/** Presence, anti-entropy, liveness and the connector, on top of the dispatch parts. */
function presenceParts (components: PartsComponents, init: MeshInit, parts: MeshParts, hooks: MeshHooks): Partial<MeshParts> {
  const { libp2p, pubsub, privateKey } = components
  const { table, channels, worker, requester, loss } = parts
  const presence = new Presence({
    libp2p,
    pubsub,
    privateKey,
    table,
    log: log('presence'),
    role: init.role ?? 'node',
    presenceIntervalMs: init.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS,
    services: () => [...worker.slots()].map(s => ({
      name: s.name,
      concurrency: s.concurrency,
      load: s.running + s.queue.length,
      models: s.models
    })),
    onAnnouncement: (peerId) => { connector.consider(peerId) },
    onViolation: hooks.onViolation,
    joinsThroughBootstrap: (init.bootstrap ?? []).length > 0
  })
  const antiEntropy = new AntiEntropy({
    libp2p,
    log: log('presence'),
    sync: async (peerId, signal) => presence.sync(peerId, signal),
    interval: () => presence.interval(),
    isRelay: (peer) => table.get(peer.toString())?.role === 'relay'
  })
  const liveness = new Liveness({
    libp2p,
    log: log('liveness'),
    table,
    channels,
    workers: () => requester.workers(),
    requesters: () => worker.requesters(),
    load: () => worker.load,
    onSilent: (peer) => { loss.silent(peer) },
    onRequesterSilent: (peer) => { loss.requesterSilent(peer) },
    keepaliveIntervalMs: init.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
    suspectTimeoutMs: init.suspectTimeoutMs ?? DEFAULT_SUSPECT_TIMEOUT_MS,
    deadTimeoutMs: init.deadTimeoutMs ?? DEFAULT_DEAD_TIMEOUT_MS,
    requesterTimeoutMs: init.requesterTimeoutMs ?? DEFAULT_REQUESTER_TIMEOUT_MS,
    onWitnessedDeath: (peer) => { presence.markGone(peer) }
  })
  const connector = new Connector({
    libp2p,
    log: log('connector'),
    bootstrap: init.bootstrap ?? [],
    minConnections: init.minConnections ?? DEFAULT_MIN_CONNECTIONS,
    candidates: () => aliveWithAddrs(table),
    onBootstrapConnected: async (peerId) => {
      try {
        await presence.sync(peerId, AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS))
      } finally {
        // the peers already here learn of this one now, not a refresh later
        presence.joined()
      }
      antiEntropy.catchUp(peerId)
    }
  })
  return { presence, antiEntropy, liveness, connector, gossipStreams: new GossipStreams(libp2p, pubsub) }
}
