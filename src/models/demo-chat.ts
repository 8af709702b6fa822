/**
 * The built-in demo model served as `llm.chat`, so the OpenAI-compatible
 * gateway works offline and in browser tabs. The conversation becomes the
 * model's prompt; a trailing `assistant` message is the start of the answer
 * and is continued token for token, so a resumed attempt (and a bridge
 * that resumes through an upstream's prefill) reads as one uninterrupted
 * answer. Sampling options are accepted and ignored: the model is
 * deterministic. `max_tokens` and `stop` are honoured; `temperature`,
 * `top_p`, `seed`, the penalties, `response_format` and `user` are
 * accepted and have no effect.
 *
 * Tools: offered tools (and `tool_choice` not `"none"`), the model calls
 * one when the conversation ends with a user message (or `tool_choice`
 * demands a call): the tool `tool_choice` names, else the first, with
 * arguments filled from the user's last message (see {@link demoToolCall}).
 * After a tool message it answers in text that begins by quoting the result.
 *
 * @example
 * ```ts
 * node.serve(LLM_CHAT_SERVICE, demoChat(), { resume: 'continue', models: [DEMO_CHAT_MODEL] })
 * ```
 */
import { parseChatRequest, splitPrefill } from './chat.ts'
import { DEFAULT_MAX_TOKENS, DEFAULT_TOKEN_DELAY_MS, hash, MAX_TOKENS_LIMIT, nextToken } from './demo-llm.ts'
import { resumedText } from './tools.ts'
import { sleep } from '../util/sleep.ts'
import type { ChatMessage, ChatRequest } from './chat.ts'
import type { ChatChunk, ToolCall } from './tools.ts'
import type { DemoLlmOptions } from './demo-llm.ts'
import type { Handler, HandlerContext } from '../types.ts'

/** The model name the demo model announces by default. */
export const DEMO_CHAT_MODEL = 'demo-llm'

/** The prompt the demo model sees for a conversation. */
export function chatPrompt (conversation: ChatMessage[]): string {
  return conversation.map(m => `${m.role}: ${m.content}`).join('\n')
}

/** Splits text back into the demo model's tokens (a word, then " word"s). */
function tokenize (text: string): string[] {
  return text === '' ? [] : text.split(/(?= )/)
}

/**
 * The tokens that follow `sent` in the demo model's answer to `request`,
 * one at a time. `sent` are tokens of this answer already delivered.
 * Tokens that could begin a stop sequence are held back until it is clear
 * they do not, so the answer never shows part of one; every token yielded
 * is whole except a last one cut at a stop.
 */
export function * demoChatTokens (request: ChatRequest, sent: string[] = []): Generator<string> {
  if (sent.length > 0) {
    // the model is deterministic: when `sent` is how its own answer began,
    // the rest is known, even after a last token cut at a stop sequence
    const whole = [...continuation(request, [])]
    if (sent.length <= whole.length && sent.every((token, i) => whole[i] === token)) {
      yield * whole.slice(sent.length)
      return
    }
  }
  yield * continuation(request, sent)
}

/** The answer after `sent`, generated with `sent` as the tokens before it. */
function * continuation (request: ChatRequest, sent: string[]): Generator<string> {
  const { conversation, prefill } = splitPrefill(request.messages)
  const prompt = chatPrompt(conversation)
  const context = [...tokenize(prefill), ...sent]
  const lead = toolLead(conversation)
  const maxTokens = Math.min(request.max_tokens ?? DEFAULT_MAX_TOKENS, MAX_TOKENS_LIMIT)
  const stops = request.stop ?? []
  const longest = Math.max(0, ...stops.map(s => s.length))
  // the end of the answer so far, as long as a stop sequence could reach back
  let tail = sent.join('').slice(-longest)
  const held: string[] = []
  for (let produced = sent.length; produced < maxTokens; produced++) {
    const position = context.length
    const token = position < lead.length ? lead[position] : nextToken(prompt, context, position)
    context.push(token)
    held.push(token)
    if (stops.length === 0) {
      yield held.pop() as string
      continue
    }
    const pending = held.join('')
    const text = tail + pending
    const at = firstStop(text, tail.length, stops)
    if (at >= 0) {
      yield * cut(held, at - tail.length)
      return
    }
    // release the tokens wholly before any suffix that may grow into a stop
    const keep = partialStop(text, stops)
    let heldChars = pending.length
    while (held.length > 0 && heldChars - held[0].length >= keep) {
      const out = held.shift() as string
      heldChars -= out.length
      tail = (tail + out).slice(-longest)
      yield out
    }
  }
  yield * held
}

/** The words an answer to a tool's result begins with: the result, quoted. */
function toolLead (conversation: ChatMessage[]): string[] {
  const last = conversation[conversation.length - 1]
  return last?.role === 'tool' && last.content.trim() !== '' ? tokenize(`The tool says ${last.content.trim()}.`) : []
}

/** Where the first stop sequence in `text` starts, searching from where it could end past `from`; -1 for none. */
function firstStop (text: string, from: number, stops: string[]): number {
  let first = -1
  for (const s of stops) {
    const at = text.indexOf(s, Math.max(0, from - s.length + 1))
    if (at >= 0 && (first < 0 || at < first)) {
      first = at
    }
  }
  return first
}

/** Length of the longest end of `text` that is the start of a stop sequence. */
function partialStop (text: string, stops: string[]): number {
  let best = 0
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > best; n--) {
      if (text.endsWith(s.slice(0, n))) {
        best = n
        break
      }
    }
  }
  return best
}

/** The held tokens up to `chars` characters, the last one cut short. */
function * cut (held: string[], chars: number): Generator<string> {
  let left = Math.max(chars, 0)
  for (const token of held) {
    if (left <= 0) {
      return
    }
    yield token.slice(0, left)
    left -= token.length
  }
}

/**
 * The tool call the demo model makes for `request`, or undefined when it
 * answers in text. Its arguments fill each property of the tool's
 * parameter schema from the last user message: a string property gets
 * the message, a number or integer its word count, a boolean `true`, an
 * enum its first value. The call's id depends only on the conversation.
 */
export function demoToolCall (request: ChatRequest): ToolCall | undefined {
  const { tools, tool_choice: choice, messages } = request
  if (tools == null || tools.length === 0 || choice === 'none') {
    return undefined
  }
  const forced = typeof choice === 'object' ? choice.function.name : undefined
  if (messages[messages.length - 1].role !== 'user' && choice !== 'required' && forced == null) {
    return undefined
  }
  const tool = tools.find(t => t.function.name === forced) ?? tools[0]
  const text = messages.findLast(m => m.role === 'user')?.content ?? ''
  const properties = (tool.function.parameters?.properties ?? {}) as Record<string, { type?: string, enum?: unknown[] }>
  const args: Record<string, unknown> = {}
  for (const [key, schema] of Object.entries(properties)) {
    if (Array.isArray(schema?.enum) && schema.enum.length > 0) {
      args[key] = schema.enum[0]
    } else if (schema?.type === 'number' || schema?.type === 'integer') {
      args[key] = text.split(/\s+/).filter(w => w !== '').length
    } else if (schema?.type === 'boolean') {
      args[key] = true
    } else {
      args[key] = text
    }
  }
  const id = `call_${hash(chatPrompt(messages), messages.length).toString(36)}${hash(tool.function.name).toString(36)}`
  return { id, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } }
}

/** The whole answer at once: what a streamed answer concatenates to. */
export function demoChatAnswer (request: ChatRequest): string[] {
  return [...demoChatTokens(request)]
}

/**
 * The demo model as an `llm.chat` handler. Serve it with
 * `{ resume: 'continue' }`: a resumed attempt continues after the tokens
 * the caller already has.
 */
export function demoChat (options: DemoLlmOptions = {}): Handler<ChatRequest, ChatChunk> {
  const delay = options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS
  return async function * (input: ChatRequest, ctx: HandlerContext): AsyncGenerator<ChatChunk> {
    const request = parseChatRequest(input)
    const sent = resumedText(ctx.resume.chunks)
    if (sent == null) {
      return
    }
    const call = demoToolCall(request)
    if (call != null) {
      await sleep(delay, ctx.signal)
      yield { tool_calls: [call] }
      return
    }
    for (const token of demoChatTokens(request, sent)) {
      await sleep(delay, ctx.signal)
      yield token
    }
  }
}

