/**
 * Application pub/sub: `publish` and `subscribe` on named topics, carried on
 * gossipsub as `meshwork/1/app/<topic>` with the payload codec.
 */
import { APP_TOPIC_PREFIX } from '../constants.ts'
import { AbortError, InvalidArgumentError } from '../errors.ts'
import { abortable } from '../util/abortable.ts'
import { checkName } from '../util/names.ts'
import { decodePayload, encodePayload } from '../wire/payload.ts'
import { appValidator, MAX_APP_MESSAGE_BYTES } from './validators.ts'
import type { PeerPenalties } from '../security/penalties.ts'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { Logger } from '@libp2p/interface'

export type TopicHandler = (data: unknown, meta: { from: string, topic: string }) => void

export class AppTopics {
  private readonly pubsub: GossipSub
  private readonly log: Logger
  private readonly handlers = new Map<string, Set<TopicHandler>>()
  private readonly penalties?: PeerPenalties

  constructor (pubsub: GossipSub, log: Logger, penalties?: PeerPenalties) {
    this.pubsub = pubsub
    this.log = log
    this.penalties = penalties
    pubsub.addEventListener('message', this.onMessage)
  }

  /** Publishes `data` on `topic`; rejects with AbortError once `options.signal` aborts. */
  async publish (topic: string, data: unknown, options: { signal?: AbortSignal } = {}): Promise<void> {
    checkTopic(topic)
    if (options.signal?.aborted === true) {
      throw new AbortError('the publish was aborted')
    }
    const { data: bytes, codec } = encodePayload(data)
    if (bytes.byteLength + 1 > MAX_APP_MESSAGE_BYTES) {
      throw new InvalidArgumentError(`a published message is at most ${MAX_APP_MESSAGE_BYTES} bytes`)
    }
    // the codec rides in the first byte
    const message = new Uint8Array(bytes.byteLength + 1)
    message[0] = codec
    message.set(bytes, 1)
    await abortable(this.pubsub.publish(APP_TOPIC_PREFIX + topic, message), options.signal)
  }

  subscribe (topic: string, handler: TopicHandler): () => void {
    checkTopic(topic)
    let set = this.handlers.get(topic)
    if (set == null) {
      set = new Set()
      this.handlers.set(topic, set)
      this.pubsub.topicValidators.set(APP_TOPIC_PREFIX + topic, appValidator(this.penalties))
      this.pubsub.subscribe(APP_TOPIC_PREFIX + topic)
    }
    set.add(handler)
    return () => {
      set.delete(handler)
      if (set.size === 0 && this.handlers.get(topic) === set) {
        this.handlers.delete(topic)
        this.pubsub.unsubscribe(APP_TOPIC_PREFIX + topic)
        this.pubsub.topicValidators.delete(APP_TOPIC_PREFIX + topic)
      }
    }
  }

  stop (): void {
    this.pubsub.removeEventListener('message', this.onMessage)
    for (const topic of this.handlers.keys()) {
      this.pubsub.unsubscribe(APP_TOPIC_PREFIX + topic)
    }
    this.handlers.clear()
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (!msg.topic.startsWith(APP_TOPIC_PREFIX)) {
      return
    }
    const topic = msg.topic.slice(APP_TOPIC_PREFIX.length)
    const set = this.handlers.get(topic)
    if (set == null || msg.data.byteLength === 0 || msg.data.byteLength > MAX_APP_MESSAGE_BYTES) {
      return
    }
    let data: unknown
    try {
      data = decodePayload(msg.data.subarray(1), msg.data[0])
    } catch (err: any) {
      this.log('dropping a malformed message on %s: %s', topic, err.message)
      return
    }
    const from = msg.type === 'signed' ? msg.from.toString() : ''
    for (const handler of set) {
      try {
        handler(data, { from, topic })
      } catch (err: any) {
        this.log.error('subscriber of %s threw: %s', topic, err.message)
      }
    }
  }
}

function checkTopic (topic: string): void {
  checkName(topic, 'a topic')
}
