/**
 * The requester's side of broadcast claims: a task announced on its
 * service's topic, with the addresses a worker can offer on (the worker's
 * side is worker/offers.ts).
 */
import { SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { Claim } from '../wire/generated/presence.js'
import type { Call } from './call.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'

/** Announces `call` to the workers of its service. */
export async function publishClaim (libp2p: Libp2p, pubsub: GossipSub, call: Call): Promise<void> {
  const addrs = libp2p.getMultiaddrs().slice(0, 16).map(ma => ma.bytes)
  await pubsub.publish(SERVICE_TOPIC_PREFIX + call.service, Claim.encode({ task: call.id, addrs }))
}
