/**
 * Checks the body of `POST /v1/chat/completions` and turns it into an
 * `llm.chat` input. Every problem is an {@link InvalidRequestError} naming
 * the field at fault (400 for the client). Text content, tools and tool
 * results, sampling and format options pass on; features the mesh's
 * models do not offer (images, audio, several choices, log probabilities,
 * the legacy `functions`) are refused rather than silently dropped.
 */
import { checkChatRequest } from '../../src/models/chat.ts'
import { InvalidRequestError } from './errors.ts'
import type { ChatRequest } from '../../src/models/chat.ts'

/** A checked completion request. */
export interface CompletionRequest {
  chat: ChatRequest
  stream: boolean
  /** `stream_options.include_usage`: a last chunk carries the usage */
  includeUsage: boolean
}

/** Fields that ask for what the mesh's chat models cannot do. */
const UNSUPPORTED = ['functions', 'function_call', 'audio', 'prediction', 'modalities'] as const

const RANGES = {
  temperature: [0, 2],
  top_p: [0, 1],
  presence_penalty: [-2, 2],
  frequency_penalty: [-2, 2]
} as const

const fail = (message: string, param: string): never => {
  throw new InvalidRequestError(message, param === '' ? null : param)
}

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
  for (const [field, [min, max]] of Object.entries(RANGES) as Array<[keyof typeof RANGES, readonly [number, number]]>) {
    const value = raw[field]
    if (value != null && (typeof value !== 'number' || !(value >= min && value <= max))) {
      throw new InvalidRequestError(`${field} is a number from ${min} to ${max}`, field)
    }
  }
  const maxTokens = raw.max_completion_tokens ?? raw.max_tokens
  const param = raw.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens'
  const chat = checkChatRequest({
    ...raw,
    messages: Array.isArray(raw.messages) ? raw.messages.map(textMessage) : raw.messages,
    max_tokens: maxTokens,
    stop: typeof raw.stop === 'string' ? [raw.stop] : raw.stop
  }, (message, field) => fail(message, field === 'max_tokens' ? param : field))
  if (raw.n != null && raw.n !== 1) {
    throw new InvalidRequestError('only n = 1 is supported', 'n')
  }
  if (raw.logprobs != null && raw.logprobs !== false) {
    throw new InvalidRequestError('logprobs are not supported', 'logprobs')
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

/** A message with its content as text: text parts joined, none for an assistant calling tools. */
function textMessage (m: any, i: number): unknown {
  if (m == null || typeof m !== 'object') {
    return m
  }
  const param = `messages[${i}].content`
  if (m.content == null && m.role === 'assistant' && m.tool_calls != null) {
    return { ...m, content: '' }
  }
  return { ...m, content: text(m.content, param) }
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
