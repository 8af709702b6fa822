/**
 * The `llm.embed` service: embeddings in the shape of OpenAI's
 * `POST /v1/embeddings`, a batch of texts in, one vector a text out, in
 * input order. A gateway splits a large batch into parts over the live
 * workers of the model; each part is one request.
 *
 * - **Input**: an {@link EmbedRequest} `{ model, input: string[], dimensions?, user? }`.
 * - **Reply**: an {@link EmbedReply} `{ embeddings: number[][], prompt_tokens }`,
 *   `embeddings[i]` the vector of `input[i]`.
 *
 * @example
 * ```ts
 * node.serve(LLM_EMBED_SERVICE, demoEmbed(), { models: [DEMO_EMBED_MODEL] })
 * const { embeddings } = await node.request<EmbedReply>(LLM_EMBED_SERVICE, { model: DEMO_EMBED_MODEL, input: ['hi'] }, { model: DEMO_EMBED_MODEL })
 * ```
 */
import { MAX_MODEL_NAME_CHARS } from './chat.ts'
import { InvalidInputError } from './demo-llm.ts'
import type { Fail } from './tools.ts'

/** The service name embedding models are served under. */
export const LLM_EMBED_SERVICE = 'llm.embed'
/** Texts in one `llm.embed` request at most (a gateway splits larger batches). */
export const MAX_EMBED_INPUTS = 2_048
/** Characters of one text at most. */
export const MAX_EMBED_INPUT_CHARS = 32_768
/** Characters over all texts of one request at most (the mesh's frames are 4 MiB). */
export const MAX_EMBED_REQUEST_CHARS = 1_000_000
/** Largest `dimensions` accepted. */
export const MAX_EMBED_DIMENSIONS = 16_384

export interface EmbedRequest {
  /** Model name; workers announce the names they serve */
  model: string
  /** The texts, each non-empty */
  input: string[]
  /** Length of each vector, for models that can shorten theirs */
  dimensions?: number
  /** The end user, for the model server's abuse monitoring */
  user?: string
}

export interface EmbedReply {
  /** One vector a text, in input order */
  embeddings: number[][]
  /** Tokens the texts took (the model server's count, else an estimate) */
  prompt_tokens: number
}

/** Checks an `llm.embed` input from any peer. Throws {@link InvalidInputError}. */
export function parseEmbedRequest (input: unknown): EmbedRequest {
  return checkEmbedRequest(input, { maxInputs: MAX_EMBED_INPUTS, maxChars: MAX_EMBED_REQUEST_CHARS }, (message) => { throw new InvalidInputError(message) })
}

/**
 * Checks an embedding request of at most `maxInputs` texts and `maxChars`
 * characters, reporting a bad field through `fail`.
 */
export function checkEmbedRequest (input: unknown, limits: { maxInputs: number, maxChars: number }, fail: Fail): EmbedRequest {
  const { maxInputs, maxChars } = limits
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('the request is { model, input, dimensions?, user? }', '')
  }
  const raw = input as Record<string, unknown>
  if (typeof raw.model !== 'string' || raw.model.length === 0 || raw.model.length > MAX_MODEL_NAME_CHARS) {
    return fail(`model is a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters`, 'model')
  }
  const texts = typeof raw.input === 'string' ? [raw.input] : raw.input
  if (!Array.isArray(texts) || texts.length === 0) {
    return fail('input is a string or a non-empty array of strings', 'input')
  }
  if (texts.length > maxInputs) {
    return fail(`input holds at most ${maxInputs} texts`, 'input')
  }
  let chars = 0
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]
    if (typeof text !== 'string' || text.length === 0 || text.length > MAX_EMBED_INPUT_CHARS) {
      return fail(`each input is a string of 1 to ${MAX_EMBED_INPUT_CHARS} characters (token arrays are not supported)`, `input[${i}]`)
    }
    chars += text.length
  }
  if (chars > maxChars) {
    return fail(`input holds at most ${maxChars} characters`, 'input')
  }
  const out: EmbedRequest = { model: raw.model, input: texts }
  if (raw.dimensions != null) {
    if (!Number.isInteger(raw.dimensions) || (raw.dimensions as number) < 1 || (raw.dimensions as number) > MAX_EMBED_DIMENSIONS) {
      return fail(`dimensions is an integer from 1 to ${MAX_EMBED_DIMENSIONS}`, 'dimensions')
    }
    out.dimensions = raw.dimensions as number
  }
  if (raw.user != null) {
    if (typeof raw.user !== 'string' || raw.user.length > 256) {
      return fail('user is a string of at most 256 characters', 'user')
    }
    out.user = raw.user
  }
  return out
}

/** Checks a worker's reply against the request it answers. */
export function isEmbedReply (value: unknown, count: number): value is EmbedReply {
  const reply = value as EmbedReply | undefined
  return reply != null && Array.isArray(reply.embeddings) && reply.embeddings.length === count &&
    reply.embeddings.every(v => Array.isArray(v) && v.every(x => typeof x === 'number')) &&
    typeof reply.prompt_tokens === 'number'
}
