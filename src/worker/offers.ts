/**
 * The worker's side of broadcast claims (pull-based dispatch). A requester
 * that knows no worker for a service, or is asked to, announces the task on
 * `meshwork/1/svc/<service>` (see dispatch/claims.ts); workers with a free
 * slot reserve it and offer over a direct task channel; the requester grants
 * the task to the first offer (see Requester.onOffer). Busy workers stay
 * silent. A requester with a channel to this worker sends the claim on it as
 * well (a CLAIM frame); a worker offers once per claim however many ways it
 * arrived.
 */
import { OFFER_DIAL_TIMEOUT_MS, OFFER_RESERVATION_MS, SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { parseAddrs } from '../wire/addrs.ts'
import { KIND_OFFER } from '../wire/frame.ts'
import { MAX_TASK_ID_CHARS } from '../pubsub/validators.ts'
import { taskKey } from './running-task.ts'
import { Claim } from '../wire/generated/presence.js'
import { claimValidator } from '../pubsub/validators.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { Channels } from '../channel/channels.ts'
import type { TaskChannel } from '../channel/task-channel.ts'
import type { Frame } from '../wire/frame.ts'
import type { WorkerRuntime } from './worker.ts'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'

export interface OffersInit {
  libp2p: Libp2p
  pubsub: GossipSub
  worker: WorkerRuntime
  channels: Channels
  log: Logger
  penalties?: PeerPenalties
}

/** Claims remembered as offered, at most (the oldest are forgotten first). */
const MAX_REMEMBERED_OFFERS = 4_096

export class Offers {
  private readonly init: OffersInit
  private readonly selfId: string
  private readonly served = new Set<string>()
  /** Claims offered on lately (requester/task), with when the memory lapses: the same claim by another way gets no second offer */
  private readonly offered = new Map<string, number>()

  constructor (init: OffersInit) {
    this.init = init
    this.selfId = init.libp2p.peerId.toString()
  }

  start (): void {
    this.init.pubsub.addEventListener('message', this.onMessage)
  }

  stop (): void {
    this.init.pubsub.removeEventListener('message', this.onMessage)
    for (const service of this.served) {
      this.leave(service)
    }
    this.served.clear()
  }

  /** Follows the topics of the services this node serves. */
  servicesChanged (): void {
    const now = new Set<string>()
    for (const slot of this.init.worker.slots()) {
      now.add(slot.name)
    }
    for (const service of now) {
      if (!this.served.has(service)) {
        this.served.add(service)
        this.join(service)
      }
    }
    for (const service of [...this.served]) {
      if (!now.has(service)) {
        this.served.delete(service)
        this.leave(service)
      }
    }
  }

  private join (service: string): void {
    const topic = SERVICE_TOPIC_PREFIX + service
    this.init.pubsub.topicValidators.set(topic, claimValidator(this.init.penalties))
    this.init.pubsub.subscribe(topic)
  }

  private leave (service: string): void {
    const topic = SERVICE_TOPIC_PREFIX + service
    this.init.pubsub.unsubscribe(topic)
    this.init.pubsub.topicValidators.delete(topic)
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (!msg.topic.startsWith(SERVICE_TOPIC_PREFIX) || msg.type !== 'signed') {
      return
    }
    const service = msg.topic.slice(SERVICE_TOPIC_PREFIX.length)
    const requester = msg.from.toString()
    if (requester === this.selfId || !this.served.has(service)) {
      return
    }
    let claim: Claim
    try {
      claim = Claim.decode(msg.data, { limits: { addrs: 32 } })
    } catch {
      return
    }
    if (!this.take(service, requester, claim.task)) {
      return
    }
    void this.offer(msg.from, service, claim)
  }

  /** A CLAIM frame: the requester's claim on a channel it has with this worker; the offer goes back on it. */
  onClaimFrame (frame: Frame, channel: TaskChannel): void {
    const { service, task } = frame
    if (!this.served.has(service) || task.length === 0 || task.length > MAX_TASK_ID_CHARS) {
      return
    }
    if (this.take(service, channel.remotePeer, task)) {
      this.send(channel, service, task)
    }
  }

  /** Whether to offer on this claim: not offered on already, and a slot reserved for it. */
  private take (service: string, requester: string, task: string): boolean {
    const key = taskKey(requester, task)
    const now = Date.now()
    const until = this.offered.get(key)
    if (until != null && until > now) {
      return false
    }
    if (!this.init.worker.reserve(service, requester, task)) {
      return false
    }
    this.offered.delete(key)
    this.offered.set(key, now + OFFER_RESERVATION_MS)
    if (this.offered.size > MAX_REMEMBERED_OFFERS) {
      this.offered.delete(this.offered.keys().next().value!)
    }
    return true
  }

  private send (channel: TaskChannel, service: string, task: string): void {
    const slot = [...this.init.worker.slots()].find(s => s.name === service)
    channel.send({
      kind: KIND_OFFER,
      task,
      service,
      load: this.init.worker.load,
      capacity: slot?.concurrency ?? 1
    })
  }

  private async offer (requester: PeerId, service: string, claim: Claim): Promise<void> {
    try {
      // a requester this worker already has a channel with is offered at once, on that channel
      const channel = this.init.channels.any(requester.toString()) ?? await this.reach(requester, claim)
      this.send(channel, service, claim.task)
    } catch (err: any) {
      this.init.log('could not offer %s to %p: %s', claim.task, requester, err.message)
    }
  }

  /** Opens a channel to a requester at the addresses its claim announced. */
  private async reach (requester: PeerId, claim: Claim): Promise<TaskChannel> {
    await this.init.libp2p.peerStore.merge(requester, { multiaddrs: parseAddrs(claim.addrs) })
    return this.init.channels.get(requester.toString(), { signal: AbortSignal.timeout(OFFER_DIAL_TIMEOUT_MS) })
  }
}
