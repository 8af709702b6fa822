/**
 * OpenAI's response shapes: a `chat.completion` for a whole answer, and
 * `chat.completion.chunk`s sent as server-sent events (`data: {json}`, a
 * blank line) ending with `data: [DONE]`.
 */
import { randomBytes } from 'node:crypto'
import { estimateTokens } from '../../src/models/chat.ts'
import type { ChatRequest } from '../../src/models/chat.ts'
import type { ToolCall } from '../../src/models/tools.ts'

export type FinishReason = 'stop' | 'length' | 'tool_calls'

/** What a streamed chunk's delta may carry. */
export interface Delta {
  role?: 'assistant'
  content?: string | null
  tool_calls?: ToolCallPiece[]
}

/** A piece of a streamed tool call: the first names it, later ones carry its arguments. */
export interface ToolCallPiece {
  index: number
  id?: string
  type?: 'function'
  function: { name?: string, arguments: string }
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** What every chunk and the completion of one answer share. */
export interface Answer {
  id: string
  created: number
  model: string
}

export function newAnswer (model: string): Answer {
  return { id: `chatcmpl-${randomBytes(12).toString('base64url')}`, created: Math.floor(Date.now() / 1000), model }
}

/**
 * Why the answer ended: `'tool_calls'` when it calls tools, `'length'`
 * when it used all of `max_tokens`. The mesh streams tokens only, so an
 * answer a model cut short for its own context limit reads as `'stop'`.
 */
export function finishReason (request: ChatRequest, tokens: number, calls: ToolCall[] = []): FinishReason {
  if (calls.length > 0) {
    return 'tool_calls'
  }
  return request.max_tokens != null && tokens >= request.max_tokens ? 'length' : 'stop'
}

/**
 * The pieces a streamed answer sends its tool calls in, OpenAI's way: for
 * each call one piece with its index, id and name, then its arguments.
 */
export function toolCallPieces (calls: ToolCall[]): ToolCallPiece[] {
  return calls.flatMap((call, index): ToolCallPiece[] => [
    { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
    { index, function: { arguments: call.function.arguments } }
  ])
}

/**
 * Token counts: the answer's as streamed (one chunk a token), the prompt's
 * estimated, since a model in the mesh reports none.
 */
export function usage (request: ChatRequest, completionTokens: number): Usage {
  const prompt = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0)
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens }
}

export function completion (answer: Answer, content: string, calls: ToolCall[], finish: FinishReason, used: Usage): object {
  const message = calls.length > 0
    ? { role: 'assistant', content: content === '' ? null : content, refusal: null, tool_calls: calls }
    : { role: 'assistant', content, refusal: null }
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{
      index: 0,
      message,
      logprobs: null,
      finish_reason: finish
    }],
    usage: used
  }
}

/**
 * One chunk of a streamed answer. `usage` is null on every chunk but the
 * last when the client asked for it (and absent when it did not).
 */
export function chunk (answer: Answer, delta: Delta, finish: FinishReason | null, withUsage: boolean): object {
  return {
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {})
  }
}

/** The last chunk when `stream_options.include_usage` is set: no choices, the usage. */
export function usageChunk (answer: Answer, used: Usage): object {
  return {
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices: [],
    usage: used
  }
}

/** A server-sent event carrying `value` as JSON. */
export function sse (value: object): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

export const SSE_DONE = 'data: [DONE]\n\n'
