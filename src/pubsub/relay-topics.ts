/**
 * A relay joins every meshwork topic its peers subscribe to, so that peers
 * connected only through it (a browser tab, a freshly joined node) still
 * share one gossip mesh per topic — service claims and application events
 * cross the relay like everything else.
 */
import { validatorFor } from './validators.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'

/** Topics a relay follows on behalf of others, at most. */
const MAX_FOLLOWED_TOPICS = 4_096
const MESHWORK_TOPIC = /^meshwork\/1\//

export class RelayTopics {
  private readonly pubsub: GossipSub
  private readonly penalties?: PeerPenalties
  private readonly followed = new Set<string>()

  constructor (pubsub: GossipSub, penalties?: PeerPenalties) {
    this.pubsub = pubsub
    this.penalties = penalties
  }

  start (): void {
    this.pubsub.addEventListener('subscription-change', this.onChange)
  }

  stop (): void {
    this.pubsub.removeEventListener('subscription-change', this.onChange)
    for (const topic of this.followed) {
      this.pubsub.unsubscribe(topic)
    }
    this.followed.clear()
  }

  private readonly onChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    for (const { topic, subscribe } of evt.detail.subscriptions) {
      if (!subscribe || !MESHWORK_TOPIC.test(topic) || topic.length > 512 ||
        this.followed.has(topic) || this.followed.size >= MAX_FOLLOWED_TOPICS) {
        continue
      }
      this.followed.add(topic)
      const validator = validatorFor(topic, this.penalties)
      if (validator != null && !this.pubsub.topicValidators.has(topic)) {
        this.pubsub.topicValidators.set(topic, validator)
      }
      this.pubsub.subscribe(topic)
    }
  }
}
