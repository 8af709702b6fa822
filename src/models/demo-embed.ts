/**
 * The built-in demo embedding model, served as `llm.embed`: feature
 * hashing of a text's lower-cased words into a unit vector. No weights, so
 * it runs offline, and it behaves like an embedding model where it matters
 * here: the same text gives the same vector on every peer, texts sharing
 * words point the same way, and `dimensions` sets the vector's length.
 *
 * @example
 * ```ts
 * node.serve(LLM_EMBED_SERVICE, demoEmbed(), { models: [DEMO_EMBED_MODEL] })
 * ```
 */
import { estimateTokens } from './chat.ts'
import { hash } from './demo-llm.ts'
import { parseEmbedRequest } from './embed.ts'
import type { EmbedReply, EmbedRequest } from './embed.ts'
import type { Handler } from '../types.ts'

/** The model name the demo embedding model announces by default. */
export const DEMO_EMBED_MODEL = 'demo-embed'
/** Length of its vectors when the request names none. */
export const DEFAULT_DEMO_EMBED_DIMENSIONS = 64

/** The demo model's vector of `text`, `dimensions` long, of unit length. */
export function demoEmbedding (text: string, dimensions = DEFAULT_DEMO_EMBED_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0)
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(w => w !== '')
  for (const word of words.length > 0 ? words : [text]) {
    const h = hash(word)
    vector[h % dimensions] += (h & 0x80000000) !== 0 ? -1 : 1
  }
  const norm = Math.hypot(...vector)
  return norm === 0 ? vector : vector.map(x => x / norm)
}

/** The demo embedding model as an `llm.embed` handler. */
export function demoEmbed (): Handler<EmbedRequest, EmbedReply> {
  return (input: EmbedRequest): EmbedReply => {
    const request = parseEmbedRequest(input)
    return {
      embeddings: request.input.map(text => demoEmbedding(text, request.dimensions)),
      prompt_tokens: request.input.reduce((sum, text) => sum + estimateTokens(text), 0)
    }
  }
}
