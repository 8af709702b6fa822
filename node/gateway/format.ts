/**
 * OpenAI's response shapes: a `chat.completion` for a whole answer, and
 * `chat.completion.chunk`s sent as server-sent events (`data: {json}`, a
 * blank line) ending with `data: [DONE]`.
 */
import { randomBytes } from 'node:crypto'
import { estimateTokens } from '../../src/models/chat.ts'
import type { ChatRequest } from '../../src/models/chat.ts'

export type FinishReason = 'stop' | 'length'

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
 * Why the answer ended: `'length'` when it used all of `max_tokens`. The
 * mesh streams tokens only, so an answer a model cut short for its own
 * context limit reads as `'stop'`.
 */
export function finishReason (request: ChatRequest, tokens: number): FinishReason {
  return request.max_tokens != null && tokens >= request.max_tokens ? 'length' : 'stop'
}

/**
 * Token counts: the answer's as streamed (one chunk a token), the prompt's
 * estimated, since a model in the mesh reports none.
 */
export function usage (request: ChatRequest, completionTokens: number): Usage {
  const prompt = request.messages.reduce((sum, m) => sum + estimateTokens(m.content), 0)
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens }
}

export function completion (answer: Answer, content: string, finish: FinishReason, used: Usage): object {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content, refusal: null },
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
export function chunk (answer: Answer, delta: { role?: 'assistant', content?: string }, finish: FinishReason | null, withUsage: boolean): object {
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
