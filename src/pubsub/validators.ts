/**
 * Gossipsub topic validators for meshwork's own topics: a message that does
 * not decode, or is not signed, is rejected (and its sender's score drops).
 */
import { SERVICE_TOPIC_PREFIX } from '../constants.ts'
import { Claim } from '../wire/generated/presence.js'
import type { Message, TopicValidatorFn } from '@libp2p/gossipsub'

export const MAX_CLAIM_BYTES = 4096
const MAX_TASK_ID_CHARS = 128

/** Validator of `meshwork/1/svc/<service>`: a decodable, signed claim. */
export const validateClaim: TopicValidatorFn = (_peer, msg: Message): any => {
  if (msg.type !== 'signed' || msg.data.byteLength > MAX_CLAIM_BYTES) {
    return 'reject'
  }
  try {
    const claim = Claim.decode(msg.data, { limits: { addrs: 32 } })
    return claim.task.length > 0 && claim.task.length <= MAX_TASK_ID_CHARS ? 'accept' : 'reject'
  } catch {
    return 'reject'
  }
}

/** The validator for a topic a relay follows, when meshwork defines one. */
export function validatorFor (topic: string): TopicValidatorFn | undefined {
  return topic.startsWith(SERVICE_TOPIC_PREFIX) ? validateClaim : undefined
}
