/**
 * Sticky routing: the worker that answered a conversation's last turn holds
 * its prefix in its model's cache (llama.cpp, vLLM and Ollama all reuse a
 * cached prompt prefix), so the next turn is cheapest there. Each request's
 * message list is hashed prefix by prefix; after an answer the gateway
 * remembers which worker now holds `messages` and `messages + answer`, and
 * a later request goes to the worker holding its longest remembered prefix.
 * Bounded: the least recently used conversations are forgotten first.
 *
 * @example
 * ```ts
 * const affinity = new Affinity(10_000)
 * const keys = prefixKeys('llama', messages)
 * const peer = affinity.lookup(keys, peer => isFree(peer))
 * // ... after the answer, on the worker that finished it:
 * affinity.remember([keys.at(-1)!, extendKey(keys.at(-1)!, { role: 'assistant', content: answer })], peer)
 * ```
 */
import { createHash } from 'node:crypto'
import type { ChatMessage } from '../../src/models/chat.ts'

/** The key of a conversation one message longer than the one `key` stands for. */
export function extendKey (key: string, message: ChatMessage): string {
  return createHash('sha256')
    .update(key)
    .update('\0')
    .update(message.role)
    .update('\0')
    .update(message.content)
    .update('\0')
    .update(message.tool_calls != null ? JSON.stringify(message.tool_calls) : '')
    .update('\0')
    .update(message.tool_call_id ?? '')
    .digest('base64url')
    .slice(0, 22)
}

/** Keys of every prefix of `messages`: `keys[i]` stands for `messages[0..i]`. */
export function prefixKeys (model: string, messages: ChatMessage[]): string[] {
  let key = createHash('sha256').update(model).digest('base64url').slice(0, 22)
  return messages.map(m => {
    key = extendKey(key, m)
    return key
  })
}

export class Affinity {
  private readonly maxEntries: number
  /** key -> peer; a Map iterates in insertion order, so the first is the least recently used */
  private readonly entries = new Map<string, string>()

  constructor (maxEntries: number) {
    this.maxEntries = maxEntries
  }

  get size (): number {
    return this.entries.size
  }

  /**
   * The peer holding the longest of these prefixes (keys in prefix order),
   * if `usable` accepts it.
   */
  lookup (keys: string[], usable: (peerId: string) => boolean): string | undefined {
    for (let i = keys.length - 1; i >= 0; i--) {
      const peer = this.entries.get(keys[i])
      if (peer != null) {
        this.touch(keys[i], peer)
        return usable(peer) ? peer : undefined
      }
    }
    return undefined
  }

  /** Records that `peerId` holds the conversations these keys stand for. */
  remember (keys: string[], peerId: string): void {
    for (const key of keys) {
      this.touch(key, peerId)
    }
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string)
    }
  }

  private touch (key: string, peerId: string): void {
    this.entries.delete(key)
    this.entries.set(key, peerId)
  }
}
