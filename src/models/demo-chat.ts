/**
 * The built-in demo model served as `llm.chat`, so the OpenAI-compatible
 * gateway works offline and in browser tabs. The conversation becomes the
 * model's prompt; a trailing `assistant` message is the start of the answer
 * and is continued token for token, so a resumed attempt (and a bridge
 * that resumes through an upstream's prefill) reads as one uninterrupted
 * answer. Sampling options are accepted and ignored: the model is
 * deterministic.
 *
 * @example
 * ```ts
 * node.serve(LLM_CHAT_SERVICE, demoChat(), { resume: 'continue', models: [DEMO_CHAT_MODEL] })
 * ```
 */
import { parseChatRequest, splitPrefill } from './chat.ts'
import { DEFAULT_MAX_TOKENS, DEFAULT_TOKEN_DELAY_MS, MAX_TOKENS_LIMIT, nextToken } from './demo-llm.ts'
import type { ChatMessage, ChatRequest } from './chat.ts'
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
 */
export function * demoChatTokens (request: ChatRequest, sent: string[] = []): Generator<string> {
  const { conversation, prefill } = splitPrefill(request.messages)
  const prompt = chatPrompt(conversation)
  const context = [...tokenize(prefill), ...sent]
  const maxTokens = Math.min(request.max_tokens ?? DEFAULT_MAX_TOKENS, MAX_TOKENS_LIMIT)
  let answer = sent.join('')
  for (let produced = sent.length; produced < maxTokens; produced++) {
    const token = nextToken(prompt, context, context.length)
    const stopAt = findStop(answer, token, request.stop)
    if (stopAt >= 0) {
      if (stopAt > 0) {
        yield token.slice(0, stopAt)
      }
      return
    }
    context.push(token)
    answer += token
    yield token
  }
}

/** Where in `token` a stop sequence begins, given the answer before it; -1 for none. */
function findStop (answer: string, token: string, stop: string[] | undefined): number {
  let first = -1
  for (const s of stop ?? []) {
    const from = Math.max(0, answer.length - s.length + 1)
    const at = (answer + token).indexOf(s, from)
    if (at >= 0) {
      const inToken = Math.max(at - answer.length, 0)
      first = first < 0 ? inToken : Math.min(first, inToken)
    }
  }
  return first
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
export function demoChat (options: DemoLlmOptions = {}): Handler<ChatRequest, string> {
  const delay = options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS
  return async function * (input: ChatRequest, ctx: HandlerContext): AsyncGenerator<string> {
    const request = parseChatRequest(input)
    for (const token of demoChatTokens(request, ctx.resume.chunks.map(String))) {
      await sleep(delay, ctx.signal)
      yield token
    }
  }
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  if (ms <= 0) {
    return
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
