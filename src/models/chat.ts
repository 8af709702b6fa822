/**
 * The `llm.chat` service: chat completion in the shape of OpenAI's
 * `POST /v1/chat/completions`, so a gateway can pass an app's request
 * through and any OpenAI-compatible model server can answer it.
 *
 * - **Input**: a {@link ChatRequest} (`{ model, messages, max_tokens?, ... }`),
 *   JSON on the wire. Message content is plain text.
 * - **Chunks**: the answer's tokens, each a string, in order; the answer is
 *   their concatenation. Workers serve it as a streaming handler with
 *   `{ resume: 'continue', models: [...] }`.
 * - **Continuing an answer**: a trailing `assistant` message is the start of
 *   the answer, which the model continues (llama.cpp's server and Ollama
 *   do the same). A resumed attempt is the original request with the tokens
 *   already sent appended there, and `max_tokens` counts only the rest.
 *
 * @example
 * ```ts
 * const request: ChatRequest = { model: 'demo-llm', messages: [{ role: 'user', content: 'hello' }] }
 * for await (const token of node.stream(LLM_CHAT_SERVICE, request, { model: request.model })) process.stdout.write(token)
 * ```
 */
import { InvalidInputError } from './demo-llm.ts'

/** The service name chat models are served under. */
export const LLM_CHAT_SERVICE = 'llm.chat'
/** Messages in one request at most. */
export const MAX_CHAT_MESSAGES = 1_024
/** Characters over all messages at most (the mesh's frames are 4 MiB). */
export const MAX_CHAT_CHARS = 1_000_000
/** Largest `max_tokens` accepted. */
export const MAX_CHAT_TOKENS = 1_000_000
/** Stop sequences at most, as in OpenAI's API. */
export const MAX_STOP_SEQUENCES = 4
/** Longest model name. */
export const MAX_MODEL_NAME_CHARS = 256

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant'

export const CHAT_ROLES: readonly ChatRole[] = ['system', 'developer', 'user', 'assistant']

export interface ChatMessage {
  role: ChatRole
  content: string
}

/** The input of `llm.chat`: the part of OpenAI's chat request a model needs. */
export interface ChatRequest {
  /** Model name; workers announce the names they serve */
  model: string
  messages: ChatMessage[]
  /** Tokens to generate at most (the model's default when absent) */
  max_tokens?: number
  temperature?: number
  top_p?: number
  seed?: number
  presence_penalty?: number
  frequency_penalty?: number
  /** Sequences that end the answer */
  stop?: string[]
}

const NUMBER_FIELDS = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const

/**
 * Checks an `llm.chat` input from any peer and returns it with only the
 * known fields. Throws {@link InvalidInputError}, which is not retried.
 */
export function parseChatRequest (input: unknown): ChatRequest {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError('llm.chat input is { model, messages, max_tokens?, ... }')
  }
  const raw = input as Record<string, unknown>
  if (typeof raw.model !== 'string' || raw.model.length === 0 || raw.model.length > MAX_MODEL_NAME_CHARS) {
    throw new InvalidInputError(`model is a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters`)
  }
  if (!Array.isArray(raw.messages) || raw.messages.length === 0 || raw.messages.length > MAX_CHAT_MESSAGES) {
    throw new InvalidInputError(`messages is an array of 1 to ${MAX_CHAT_MESSAGES} messages`)
  }
  let chars = 0
  const messages: ChatMessage[] = raw.messages.map((m: any) => {
    if (m == null || typeof m !== 'object' || !(CHAT_ROLES as readonly unknown[]).includes(m.role) || typeof m.content !== 'string') {
      throw new InvalidInputError(`each message is { role: ${CHAT_ROLES.join(' | ')}, content: string }`)
    }
    chars += m.content.length
    return { role: m.role, content: m.content }
  })
  if (chars > MAX_CHAT_CHARS) {
    throw new InvalidInputError(`messages hold at most ${MAX_CHAT_CHARS} characters`)
  }
  const out: ChatRequest = { model: raw.model, messages }
  if (raw.max_tokens != null) {
    if (!Number.isInteger(raw.max_tokens) || (raw.max_tokens as number) < 1 || (raw.max_tokens as number) > MAX_CHAT_TOKENS) {
      throw new InvalidInputError(`max_tokens is an integer from 1 to ${MAX_CHAT_TOKENS}`)
    }
    out.max_tokens = raw.max_tokens as number
  }
  for (const field of NUMBER_FIELDS) {
    const value = raw[field]
    if (value != null) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidInputError(`${field} is a finite number`)
      }
      out[field] = value
    }
  }
  if (raw.seed != null) {
    if (!Number.isSafeInteger(raw.seed)) {
      throw new InvalidInputError('seed is an integer')
    }
    out.seed = raw.seed as number
  }
  if (raw.stop != null) {
    if (!Array.isArray(raw.stop) || raw.stop.length > MAX_STOP_SEQUENCES || !raw.stop.every(s => typeof s === 'string' && s.length > 0 && s.length <= 256)) {
      throw new InvalidInputError(`stop is an array of at most ${MAX_STOP_SEQUENCES} non-empty strings`)
    }
    out.stop = raw.stop as string[]
  }
  return out
}

/**
 * Splits a request into the conversation and the start of the answer (the
 * content of a trailing `assistant` message, or `''`).
 */
export function splitPrefill (messages: ChatMessage[]): { conversation: ChatMessage[], prefill: string } {
  const last = messages[messages.length - 1]
  if (last?.role === 'assistant') {
    return { conversation: messages.slice(0, -1), prefill: last.content }
  }
  return { conversation: messages, prefill: '' }
}

/**
 * The request for the rest of an answer of which `sent` tokens are already
 * out: the tokens join the answer's start, and `max_tokens` shrinks by
 * their count. Returns undefined when nothing is left to generate.
 */
export function continueRequest (request: ChatRequest, sent: string[]): ChatRequest | undefined {
  if (sent.length === 0) {
    return request
  }
  if (request.max_tokens != null && sent.length >= request.max_tokens) {
    return undefined
  }
  const { conversation, prefill } = splitPrefill(request.messages)
  return {
    ...request,
    messages: [...conversation, { role: 'assistant', content: prefill + sent.join('') }],
    max_tokens: request.max_tokens != null ? request.max_tokens - sent.length : undefined
  }
}

/**
 * A rough token count of some text (four characters a token, as OpenAI's
 * guidance has it), for usage figures where the model reports none.
 */
export function estimateTokens (text: string): number {
  return Math.ceil(text.length / 4)
}
