/**
 * The requester's side of broadcast claims: a task announced on its
 * service's topic, with the addresses a worker can offer on, in rounds until
 * an offer is taken (the worker's side is worker/offers.ts). Workers of the
 * service this node already has a channel with get the claim on it first:
 * no signature to make and check, no gossip hop, so their offers come back
 * in one round trip of the channel. The topic gets the claim
 * CHANNEL_CLAIM_LEAD_MS later unless one of them offered by then (the
 * gossip, its signatures and its forwarding are then spared).
 */
import { MAX_ANNOUNCED_ADDRS, SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { KIND_CLAIM } from '../wire/frame.ts'
import { Claim } from '../wire/generated/presence.js'
import type { Call } from './call.ts'
import type { Channels } from '../channel/channels.ts'
import type { PeerTable } from '../presence/peer-table.ts'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p, Logger } from '@libp2p/interface'

/** Announces `call` to the workers of its service. */
export async function publishClaim (libp2p: Libp2p, pubsub: GossipSub, call: Call): Promise<void> {
  const addrs = libp2p.getMultiaddrs().slice(0, MAX_ANNOUNCED_ADDRS).map(ma => ma.bytes)
  await pubsub.publish(SERVICE_TOPIC_PREFIX + call.service, Claim.encode({ task: call.id, addrs }))
}

/** How long claims on channels lead the topic's copy of a claim's first round. */
export const CHANNEL_CLAIM_LEAD_MS = 5
/** Workers one claim goes to on channels, at most (the topic reaches the rest). */
export const MAX_CHANNEL_CLAIMS = 32

/**
 * Sends `call`'s claim on the open channels to the workers of its service
 * that have not had it yet; returns how many were sent.
 */
export function claimOnChannels (table: PeerTable, channels: Channels, call: Call): number {
  let sent = 0
  for (const record of table.workers(call.service)) {
    if (sent >= MAX_CHANNEL_CLAIMS) {
      break
    }
    const channel = call.tried(record.peerId) ? undefined : channels.any(record.peerId)
    if (channel != null) {
      channel.send({ kind: KIND_CLAIM, task: call.id, service: call.service })
      sent++
    }
  }
  return sent
}

export interface ClaimRoundsInit {
  log: Logger
  /** Announces the claim once */
  publishClaim(call: Call): Promise<void>
  /** Sends the claim on open channels to known workers; returns how many got it */
  claimOnChannels?(call: Call): number
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
    const publish = (): void => {
      if (!call.claiming || call.settled) {
        return
      }
      init.publishClaim(call).catch(err => { init.log('claim for %s not published: %s', call.id, err.message) })
    }
    // workers this node has channels with hear first; the topic only if none of them offers
    if (round === 1 && (init.claimOnChannels?.(call) ?? 0) > 0) {
      setTimeout(publish, CHANNEL_CLAIM_LEAD_MS)
    } else {
      publish()
    }
    setTimeout(announce, init.claimRoundMs)
  }
  announce()
}
