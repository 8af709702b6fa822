/**
 * Gossipsub topic validators for meshwork's own topics: a message that does
 * not decode, or is not signed, is rejected, and its sender is penalised
 * (see PeerPenalties) so a peer that keeps at it gets graylisted.
 */
import { APP_TOPIC_PREFIX, SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { Claim } from '../wire/generated/presence.js'
import { MAX_CODEC } from '../wire/payload.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

export const MAX_CLAIM_BYTES = 4096
/** Application payloads larger than this are refused on publish and on receipt. */
export const MAX_APP_MESSAGE_BYTES = 1024 * 1024
/** Longest task id a claim may carry. */
export const MAX_TASK_ID_CHARS = 128

function judge (ok: boolean, peer: PeerId, penalties?: PeerPenalties): any {
  if (ok) {
    return 'accept'
  }
  penalties?.add(peer.toString())
  return 'reject'
}

function isClaim (msg: Message): boolean {
  if (msg.type !== 'signed' || msg.data.byteLength > MAX_CLAIM_BYTES) {
    return false
  }
  try {
    const claim = Claim.decode(msg.data, { limits: { addrs: 32 } })
    return claim.task.length > 0 && claim.task.length <= MAX_TASK_ID_CHARS
  } catch {
    return false
  }
}

function isAppMessage (msg: Message): boolean {
  // one codec byte (see payload.ts) then the payload
  return msg.type === 'signed' && msg.data.byteLength >= 1 && msg.data.byteLength <= MAX_APP_MESSAGE_BYTES && msg.data[0] <= MAX_CODEC
}

/** Validator of `meshwork/1/svc/<service>`: a decodable, signed claim. */
export function claimValidator (penalties?: PeerPenalties): TopicValidatorFn {
  return (peer, msg) => judge(isClaim(msg), peer, penalties)
}

/** Validator of `meshwork/1/app/<topic>`: a signed message within bounds. */
export function appValidator (penalties?: PeerPenalties): TopicValidatorFn {
  return (peer, msg) => judge(isAppMessage(msg), peer, penalties)
}

/** The validator for a topic, when meshwork defines one. */
export function validatorFor (topic: string, penalties?: PeerPenalties): TopicValidatorFn | undefined {
  if (topic.startsWith(SERVICE_TOPIC_PREFIX)) {
    return claimValidator(penalties)
  }
  if (topic.startsWith(APP_TOPIC_PREFIX)) {
    return appValidator(penalties)
  }
  return undefined
}
