/** Messages between the page and the model's Web Worker (see llm-worker.ts). */

export type ModelRequest =
  | { type: 'configure', tokenDelayMs: number }
  | { type: 'open', rid: number, task: string, prompt: string, maxTokens: number, tokens: string[] }
  | { type: 'next', rid: number, task: string }
  | { type: 'close', task: string }

export interface ModelReply {
  rid: number
  token?: string
  done?: boolean
  error?: { name: string, message: string }
}
