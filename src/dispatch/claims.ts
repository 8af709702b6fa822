/**
 * The requester's side of broadcast claims: a task announced on its
 * service's topic, with the addresses a worker can offer on, in rounds until
 * an offer is taken (the worker's side is worker/offers.ts).
 */
import { MAX_ANNOUNCED_ADDRS, SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { Claim } from '../wire/generated/presence.js'
import type { Call } from './call.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, Logger } from '@libp2p/interface'

/** Announces `call` to the workers of its service. */
export async function publishClaim (libp2p: Libp2p, pubsub: GossipSub, call: Call): Promise<void> {
  const addrs = libp2p.getMultiaddrs().slice(0, MAX_ANNOUNCED_ADDRS).map(ma => ma.bytes)
  await pubsub.publish(SERVICE_TOPIC_PREFIX + call.service, Claim.encode({ task: call.id, addrs }))
}

export interface ClaimRoundsInit {
  log: Logger
  /** Announces the claim once */
  publishClaim(call: Call): Promise<void>
  /** Wait between announcements */
  claimRoundMs: number
  /** Announcements before giving up */
  claimRounds: number
}

/**
 * Announces `call`'s open claim every `claimRoundMs`, `claimRounds` times,
 * until the claim closes (an offer was taken, or the call ended); then
 * closes it and calls `exhausted`.
 */
export function runClaim (call: Call, init: ClaimRoundsInit, exhausted: () => void): void {
  let round = 0
  const announce = (): void => {
    if (!call.claiming || call.settled) {
      return
    }
    if (round++ >= init.claimRounds) {
      call.closeClaim()
      exhausted()
      return
    }
    init.publishClaim(call).catch(err => { init.log('claim for %s not published: %s', call.id, err.message) })
    setTimeout(announce, init.claimRoundMs)
  }
  announce()
}
