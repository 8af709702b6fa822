/**
 * The `llm.chat` service: chat completion in the shape of OpenAI's
 * `POST /v1/chat/completions`, so a gateway can pass an app's request
 * through and any OpenAI-compatible model server can answer it.
 *
 * - **Input**: a {@link ChatRequest} (`{ model, messages, max_tokens?, ... }`),
 *   JSON on the wire. Message content is plain text; `tools`, assistant
 *   `tool_calls` and `tool` messages as in OpenAI's API (see ./tools.ts).
 * - **Chunks**: the answer's tokens, each a string, in order; the answer is
 *   their concatenation — and when the answer calls tools, one last chunk
 *   `{ tool_calls }` with every call complete. Workers serve it as a
 *   streaming handler with `{ resume: 'continue', models: [...] }`.
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
import { checkResponseFormat, checkToolCalls, checkToolChoice, checkTools } from './tools.ts'
import type { Fail, ResponseFormat, Tool, ToolCall, ToolChoice } from './tools.ts'

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

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool'

export const CHAT_ROLES: readonly ChatRole[] = ['system', 'developer', 'user', 'assistant', 'tool']

export interface ChatMessage {
  role: ChatRole
  /** Text; `''` for an assistant message that only calls tools */
  content: string
  /** An assistant message's tool calls */
  tool_calls?: ToolCall[]
  /** A tool message: the call it answers */
  tool_call_id?: string
  /** A participant's name (system, developer, user, assistant) */
  name?: string
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
  /** Functions the model may call */
  tools?: Tool[]
  tool_choice?: ToolChoice
  parallel_tool_calls?: boolean
  /** Text, JSON mode, or a JSON schema the answer follows */
  response_format?: ResponseFormat
  /** The end user, for the model server's abuse monitoring */
  user?: string
}

const NUMBER_FIELDS = ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'] as const
/** Longest `user` and message `name`. */
const MAX_NAME_CHARS = 256

/**
 * Checks an `llm.chat` input from any peer and returns it with only the
 * known fields. Throws {@link InvalidInputError}, which is not retried.
 */
export function parseChatRequest (input: unknown): ChatRequest {
  return checkChatRequest(input, (message) => { throw new InvalidInputError(message) })
}

/**
 * Checks a chat request, reporting the first bad field through `fail`
 * (the gateway's names the field for the HTTP client; a worker's throws
 * {@link InvalidInputError}). Message content is text here.
 */
export function checkChatRequest (input: unknown, fail: Fail): ChatRequest {
  if (input == null || typeof input !== 'object' || Array.isArray(input)) {
    return fail('llm.chat input is { model, messages, max_tokens?, ... }', '')
  }
  const raw = input as Record<string, unknown>
  if (typeof raw.model !== 'string' || raw.model.length === 0 || raw.model.length > MAX_MODEL_NAME_CHARS) {
    return fail(`model is a non-empty string of at most ${MAX_MODEL_NAME_CHARS} characters`, 'model')
  }
  const out: ChatRequest = { model: raw.model, messages: checkMessages(raw.messages, fail) }
  if (raw.max_tokens != null) {
    if (!Number.isInteger(raw.max_tokens) || (raw.max_tokens as number) < 1 || (raw.max_tokens as number) > MAX_CHAT_TOKENS) {
      return fail(`max_tokens is an integer from 1 to ${MAX_CHAT_TOKENS}`, 'max_tokens')
    }
    out.max_tokens = raw.max_tokens as number
  }
  for (const field of NUMBER_FIELDS) {
    const value = raw[field]
    if (value != null) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return fail(`${field} is a finite number`, field)
      }
      out[field] = value
    }
  }
  if (raw.seed != null) {
    if (!Number.isSafeInteger(raw.seed)) {
      return fail('seed is an integer', 'seed')
    }
    out.seed = raw.seed as number
  }
  if (raw.stop != null) {
    if (!Array.isArray(raw.stop) || raw.stop.length > MAX_STOP_SEQUENCES || !raw.stop.every(s => typeof s === 'string' && s.length > 0 && s.length <= 256)) {
      return fail(`stop is an array of at most ${MAX_STOP_SEQUENCES} non-empty strings`, 'stop')
    }
    out.stop = raw.stop as string[]
  }
  if (raw.tools != null) {
    out.tools = checkTools(raw.tools, fail)
  }
  if (raw.tool_choice != null) {
    out.tool_choice = checkToolChoice(raw.tool_choice, out.tools, fail)
  }
  if (raw.parallel_tool_calls != null) {
    if (typeof raw.parallel_tool_calls !== 'boolean') {
      return fail('parallel_tool_calls is a boolean', 'parallel_tool_calls')
    }
    out.parallel_tool_calls = raw.parallel_tool_calls
  }
  if (raw.response_format != null) {
    out.response_format = checkResponseFormat(raw.response_format, fail)
  }
  if (raw.user != null) {
    if (typeof raw.user !== 'string' || raw.user.length > MAX_NAME_CHARS) {
      return fail(`user is a string of at most ${MAX_NAME_CHARS} characters`, 'user')
    }
    out.user = raw.user
  }
  return out
}

/**
 * Checks the messages: roles, text content, and tool calls — a tool
 * message answers a call an earlier assistant message made.
 */
function checkMessages (value: unknown, fail: Fail): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHAT_MESSAGES) {
    return fail(`messages is an array of 1 to ${MAX_CHAT_MESSAGES} messages`, 'messages')
  }
  let chars = 0
  const calls = new Set<string>()
  const out = value.map((m: any, i): ChatMessage => {
    const param = `messages[${i}]`
    if (m == null || typeof m !== 'object' || !(CHAT_ROLES as readonly unknown[]).includes(m.role)) {
      return fail(`each message is { role: ${CHAT_ROLES.join(' | ')}, content }`, `${param}.role`)
    }
    if (typeof m.content !== 'string') {
      return fail('content is text', `${param}.content`)
    }
    const message: ChatMessage = { role: m.role, content: m.content }
    chars += m.content.length
    if (m.tool_calls != null) {
      if (m.role !== 'assistant') {
        return fail('only assistant messages carry tool_calls', `${param}.tool_calls`)
      }
      message.tool_calls = checkToolCalls(m.tool_calls, `${param}.tool_calls`, fail)
      for (const call of message.tool_calls) {
        calls.add(call.id)
        chars += call.function.arguments.length
      }
    }
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !calls.has(m.tool_call_id)) {
        return fail('a tool message\'s tool_call_id names a call of an earlier assistant message', `${param}.tool_call_id`)
      }
      message.tool_call_id = m.tool_call_id
    }
    if (m.name != null && m.role !== 'tool') {
      if (typeof m.name !== 'string' || m.name.length > MAX_NAME_CHARS) {
        return fail(`name is a string of at most ${MAX_NAME_CHARS} characters`, `${param}.name`)
      }
      message.name = m.name
    }
    return message
  })
  if (chars > MAX_CHAT_CHARS) {
    return fail(`messages hold at most ${MAX_CHAT_CHARS} characters`, 'messages')
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
