/**
 * The job every system does: echo 256 random bytes, or stream the same
 * 1,000 text tokens (the built-in demo model's answer to a fixed prompt).
 */
import { generate } from '../../src/models/demo-llm.ts'

export const PAYLOAD_BYTES = 256
export const STREAM_TOKENS = 1_000
const PROMPT = 'benchmark'

export function payload (bytes = PAYLOAD_BYTES): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(bytes))
}

/**
 * A JSON value of about PAYLOAD_BYTES once serialised, shaped like an AI
 * request (a prompt, a few options, some tags): what a JSON-payload call sends.
 */
export function jsonPayload (): { prompt: string, model: string, maxTokens: number, temperature: number, stream: boolean, tags: string[], seq: number } {
  return {
    prompt: 'Summarise the following support ticket in one sentence: the customer cannot sign in since the last update and the reset link expires too fast.',
    model: 'demo-small',
    maxTokens: 64,
    temperature: 0.7,
    stream: false,
    tags: ['support', 'summary', 'en'],
    seq: Math.floor(Math.random() * 1e9)
  }
}

/** Throws when a JSON reply is not the echo of what was sent. */
export function checkJsonEcho (sent: { prompt: string, seq: number }, got: any): void {
  if (got?.seq !== sent.seq || got?.prompt !== sent.prompt) {
    throw new Error('bad JSON echo')
  }
}

/** The tokens of a streamed reply, identical for every system. */
export function tokens (count = STREAM_TOKENS): string[] {
  return generate(PROMPT, count)
}

/** Throws when a reply is not the echo of what was sent. */
export function checkEcho (sent: Uint8Array, got: Uint8Array): void {
  if (got.byteLength !== sent.byteLength || got[0] !== sent[0] || got[got.byteLength - 1] !== sent[sent.byteLength - 1]) {
    throw new Error(`bad echo: sent ${sent.byteLength} bytes, got ${got.byteLength}`)
  }
}
