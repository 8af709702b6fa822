/**
 * The tasks chaos runs send, and the answers they must get back. Every
 * answer is a pure function of the input, so a requester can check each
 * reply's content, whichever worker (or attempts) produced it.
 */
import { generate } from '../../src/models/demo-llm.ts'

export type TaskKind = 'stream' | 'request' | 'work'

export interface TaskSpec {
  i: number
  kind: TaskKind
  service: string
  input: any
}

/** The `work` service's answer to `n`. */
export function workAnswer (n: number): string {
  let h = 0x811c9dc5
  for (const c of `work ${n}`) {
    h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  }
  return `${n}:${(h >>> 0).toString(16)}`
}

/** Task `i` of a run: a mix of LLM streams, LLM requests and short jobs (or only one kind). */
export function taskSpec (i: number, streamEvery = 3, only?: TaskKind): TaskSpec {
  if (only === 'work') {
    return { i, kind: 'work', service: 'work', input: { n: i } }
  }
  if (only === 'stream' || (only == null && i % streamEvery === 0)) {
    return { i, kind: 'stream', service: 'llm', input: { prompt: `task ${i}`, maxTokens: 20 + (i % 40) } }
  }
  if (only === 'request' || (only == null && i % 2 === 0)) {
    return { i, kind: 'request', service: 'llm', input: { prompt: `task ${i}`, maxTokens: 5 + (i % 20) } }
  }
  return { i, kind: 'work', service: 'work', input: { n: i } }
}

/** The task number a recovered input belongs to (inverse of taskSpec's inputs). */
export function taskIndex (input: any): number {
  if (typeof input?.n === 'number') {
    return input.n
  }
  const match = /^task (\d+)$/.exec(String(input?.prompt))
  return match == null ? -1 : Number(match[1])
}

/** Whether `value` is the right, complete answer to `spec` (each token once, in order). */
export function isRightAnswer (spec: TaskSpec, value: unknown): boolean {
  if (spec.kind === 'work') {
    return value === workAnswer(spec.input.n)
  }
  const expected = generate(spec.input.prompt, spec.input.maxTokens)
  return Array.isArray(value) && value.length === expected.length && value.every((t, k) => t === expected[k])
}
