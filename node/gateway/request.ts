/**
 * Checks the body of `POST /v1/chat/completions` and turns it into an
 * `llm.chat` input. Every problem is an {@link InvalidRequestError} naming
 * the field at fault (400 for the client). Text content only: features the
 * mesh's models do not offer (tools, images, several choices, log
 * probabilities) are refused rather than silently dropped.
 */
import {
  CHAT_ROLES, MAX_CHAT_CHARS, MAX_CHAT_MESSAGES, MAX_CHAT_TOKENS, MAX_MODEL_NAME_CHARS, MAX_STOP_SEQUENCES
} from '../../src/models/chat.ts'
import { InvalidRequestError } from './errors.ts'
import type { ChatMessage, ChatRequest, ChatRole } from '../../src/models/chat.ts'

/** A checked completion request. */
export interface CompletionRequest {
  chat: ChatRequest
  stream: boolean
  /** `stream_options.include_usage`: a last chunk carries the usage */
  includeUsage: boolean
}

/** Fields that ask for what the mesh's chat models cannot do. */
const UNSUPPORTED = ['tools', 'functions', 'tool_choice', 'function_call', 'audio', 'prediction'] as const

const RANGES = {
  temperature: [0, 2],
  top_p: [0, 1],
  presence_penalty: [-2, 2],
  frequency_penalty: [-2, 2]
} as const

export function parseCompletionRequest (body: unknown): CompletionRequest {
  if (body == null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequestError('the request body is a JSON object')
  }
  const raw = body as Record<string, unknown>
  for (const field of UNSUPPORTED) {
    if (raw[field] != null) {
      throw new InvalidRequestError(`"${field}" is not supported by this gateway`, field)
    }
  }
  if (typeof raw.model !== 'string' || raw.model.length === 0 || raw.model.length > MAX_MODEL_NAME_CHARS) {
    throw new InvalidRequestError(`model is a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters`, 'model')
  }
  const chat: ChatRequest = { model: raw.model, messages: messages(raw.messages) }
  const maxTokens = raw.max_completion_tokens ?? raw.max_tokens
  if (maxTokens != null) {
    const param = raw.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens'
    if (!Number.isInteger(maxTokens) || (maxTokens as number) < 1 || (maxTokens as number) > MAX_CHAT_TOKENS) {
      throw new InvalidRequestError(`${param} is an integer from 1 to ${MAX_CHAT_TOKENS}`, param)
    }
    chat.max_tokens = maxTokens as number
  }
  for (const [field, [min, max]] of Object.entries(RANGES) as Array<[keyof typeof RANGES, readonly [number, number]]>) {
    const value = raw[field]
    if (value != null) {
      if (typeof value !== 'number' || !(value >= min && value <= max)) {
        throw new InvalidRequestError(`${field} is a number from ${min} to ${max}`, field)
      }
      chat[field] = value
    }
  }
  if (raw.seed != null) {
    if (!Number.isSafeInteger(raw.seed)) {
      throw new InvalidRequestError('seed is an integer', 'seed')
    }
    chat.seed = raw.seed as number
  }
  if (raw.stop != null) {
    chat.stop = stop(raw.stop)
  }
  if (raw.n != null && raw.n !== 1) {
    throw new InvalidRequestError('only n = 1 is supported', 'n')
  }
  if (raw.logprobs != null && raw.logprobs !== false) {
    throw new InvalidRequestError('logprobs are not supported', 'logprobs')
  }
  const format = (raw.response_format as any)?.type
  if (raw.response_format != null && format !== 'text') {
    throw new InvalidRequestError('only response_format { type: "text" } is supported', 'response_format')
  }
  if (raw.stream != null && typeof raw.stream !== 'boolean') {
    throw new InvalidRequestError('stream is a boolean', 'stream')
  }
  const stream = raw.stream === true
  const options = raw.stream_options as any
  if (options != null && (typeof options !== 'object' || !stream)) {
    throw new InvalidRequestError('stream_options is an object, and only with stream: true', 'stream_options')
  }
  return { chat, stream, includeUsage: options?.include_usage === true }
}

function messages (value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHAT_MESSAGES) {
    throw new InvalidRequestError(`messages is an array of 1 to ${MAX_CHAT_MESSAGES} messages`, 'messages')
  }
  let chars = 0
  const out = value.map((m: any, i): ChatMessage => {
    const param = `messages[${i}]`
    if (m == null || typeof m !== 'object') {
      throw new InvalidRequestError('each message is an object with a role and content', param)
    }
    if (!(CHAT_ROLES as readonly unknown[]).includes(m.role)) {
      throw new InvalidRequestError(`role is one of ${CHAT_ROLES.join(', ')} (tool messages are not supported)`, `${param}.role`)
    }
    if (m.tool_calls != null || m.function_call != null) {
      throw new InvalidRequestError('tool calls are not supported', `${param}.tool_calls`)
    }
    const content = text(m.content, `${param}.content`)
    chars += content.length
    return { role: m.role as ChatRole, content }
  })
  if (chars > MAX_CHAT_CHARS) {
    throw new InvalidRequestError(`messages hold at most ${MAX_CHAT_CHARS} characters`, 'messages')
  }
  return out
}

/** A message's content: a string, or an array of text parts joined. */
function text (content: unknown, param: string): string {
  if (typeof content === 'string') {
    return content
  }
  if (Array.isArray(content)) {
    return content.map((part: any, i) => {
      if (part?.type !== 'text' || typeof part.text !== 'string') {
        throw new InvalidRequestError('only text content parts are supported', `${param}[${i}]`)
      }
      return part.text
    }).join('')
  }
  throw new InvalidRequestError('content is a string or an array of text parts', param)
}

function stop (value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length > MAX_STOP_SEQUENCES || !list.every(s => typeof s === 'string' && s.length > 0 && s.length <= 256)) {
    throw new InvalidRequestError(`stop is a string or an array of at most ${MAX_STOP_SEQUENCES} strings`, 'stop')
  }
  return list
}
