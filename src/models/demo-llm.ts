/**
 * The built-in demo model: a word-pair (trigram) model over a short corpus.
 * No weights to download, so demos and tests run offline, and it behaves
 * like a language model where it matters here: tokens stream one at a
 * time at a set pace, and the same prompt gives the same tokens on every
 * peer. Token `i` depends only on the prompt, the two tokens before it and
 * `i`, so continuing from prompt + emitted tokens (a resumed attempt)
 * yields exactly what an uninterrupted run would have.
 *
 * @example
 * ```ts
 * node.serve('demo-llm', demoLlm({ tokenDelayMs: 20 }), { resume: 'continue' })
 * for await (const token of node.stream('demo-llm', { prompt: 'hello' })) process.stdout.write(token)
 * ```
 */
import { CORPUS } from './corpus.ts'
import { sleep } from '../util/sleep.ts'
import type { Handler, HandlerContext } from '../types.ts'

export const DEMO_LLM_SERVICE = 'demo-llm'
export const DEFAULT_MAX_TOKENS = 64
export const MAX_TOKENS_LIMIT = 4096
export const MAX_PROMPT_CHARS = 32_768
export const DEFAULT_TOKEN_DELAY_MS = 20

export interface DemoLlmInput {
  prompt: string
  maxTokens?: number
}

/** The model's input was not acceptable (not retried on another worker). */
export class InvalidInputError extends Error {
  readonly code = 'InvalidInputError'

  constructor (message: string) {
    super(message)
    this.name = 'InvalidInputError'
  }
}

const words = CORPUS.split(/\s+/).filter(w => w.length > 0)
/** "a b" -> words that follow the pair in the corpus; "b" -> words that follow b */
const next = new Map<string, string[]>()
function learn (key: string, word: string): void {
  let list = next.get(key)
  if (list == null) {
    list = []
    next.set(key, list)
  }
  list.push(word)
}
for (let i = 0; i + 1 < words.length; i++) {
  learn(words[i], words[i + 1])
  if (i + 2 < words.length) {
    learn(`${words[i]} ${words[i + 1]}`, words[i + 2])
  }
}
const sentenceStarts = words.map((w, i) => i).filter(i => i === 0 || /[.!?]$/.test(words[i - 1]))

/** FNV-1a, then a mix: a small stable hash of a string and numbers. */
export function hash (text: string, ...numbers: number[]): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  }
  for (const n of numbers) {
    h = Math.imul(h ^ n, 0x01000193)
    h ^= h >>> 15
  }
  return h >>> 0
}

/** Checks and normalises the input; throws {@link InvalidInputError}. */
export function parseInput (input: unknown): { prompt: string, maxTokens: number } {
  if (input == null || typeof input !== 'object' || typeof (input as any).prompt !== 'string') {
    throw new InvalidInputError('input is { prompt: string, maxTokens?: number }')
  }
  const { prompt, maxTokens = DEFAULT_MAX_TOKENS } = input as DemoLlmInput
  if (prompt.length > MAX_PROMPT_CHARS) {
    throw new InvalidInputError(`prompt is at most ${MAX_PROMPT_CHARS} characters`)
  }
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS_LIMIT) {
    throw new InvalidInputError(`maxTokens is an integer from 1 to ${MAX_TOKENS_LIMIT}`)
  }
  return { prompt, maxTokens }
}

/** Token `index` of the answer to `prompt`, given the tokens before it. */
export function nextToken (prompt: string, before: string[], index: number): string {
  const seed = hash(prompt)
  const a = before.length >= 2 ? before[before.length - 2].trim() : ''
  const b = before.length >= 1 ? before[before.length - 1].trim() : ''
  const choices = (a !== '' ? next.get(`${a} ${b}`) : undefined) ?? next.get(b)
  let word: string
  if (choices == null || index === 0) {
    word = words[sentenceStarts[hash('start', seed, index) % sentenceStarts.length]]
  } else {
    word = choices[hash('next', seed, index) % choices.length]
  }
  return index === 0 ? word : ` ${word}`
}

/** The whole answer at once (what a streamed answer concatenates to). */
export function generate (prompt: string, maxTokens = DEFAULT_MAX_TOKENS): string[] {
  const tokens: string[] = []
  for (let i = 0; i < maxTokens; i++) {
    tokens.push(nextToken(prompt, tokens, i))
  }
  return tokens
}

export interface DemoLlmOptions {
  /** Pause before each token, like a real model's pace. Default 20 */
  tokenDelayMs?: number
}

/**
 * The demo model as a streaming handler. Serve it with
 * `{ resume: 'continue' }`: a resumed attempt continues from the tokens the
 * caller already has.
 */
export function demoLlm (options: DemoLlmOptions = {}): Handler<DemoLlmInput, string> {
  const delay = options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS
  return async function * (input: DemoLlmInput, ctx: HandlerContext): AsyncGenerator<string> {
    const { prompt, maxTokens } = parseInput(input)
    const tokens = ctx.resume.chunks.map(String)
    for (let i = tokens.length; i < maxTokens; i++) {
      await sleep(delay, ctx.signal)
      const token = nextToken(prompt, tokens, i)
      tokens.push(token)
      yield token
    }
  }
}
