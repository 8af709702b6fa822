/**
 * The bridge's embeddings: serves `llm.embed` by calling an
 * OpenAI-compatible server's `POST /embeddings` (Ollama, llama.cpp's
 * server with `--embeddings`, vLLM, another meshwork gateway). Vectors are
 * asked for as floats and returned in input order; `dimensions` and
 * `user` pass through.
 *
 * @example
 * ```ts
 * node.serve(LLM_EMBED_SERVICE, openaiEmbed({ url: 'http://127.0.0.1:11434/v1', models: { nomic: 'nomic-embed-text' } }), {
 *   models: ['nomic']
 * })
 * ```
 */
import { estimateTokens } from '../../src/models/chat.ts'
import { parseEmbedRequest } from '../../src/models/embed.ts'
import { errorOf, readText, UpstreamError } from './openai.ts'
import type { EmbedReply, EmbedRequest } from '../../src/models/embed.ts'
import type { Handler, HandlerContext } from '../../src/types.ts'

/** A server that has not answered an embedding request in this long is given up on. */
export const DEFAULT_EMBED_TIMEOUT_MS = 120_000

export interface OpenAIEmbedInit {
  /** Base URL of the API, as the openai client's `baseURL` */
  url: string
  /** Models served: mesh name -> the server's name for it */
  models: Record<string, string>
  /** Sent as `Authorization: Bearer <apiKey>` */
  apiKey?: string
  /** Deadline of one request to the server. Default 120 s */
  timeoutMs?: number
}

/** The bridge as an `llm.embed` handler. */
export function openaiEmbed (init: OpenAIEmbedInit): Handler<EmbedRequest, EmbedReply> {
  const endpoint = `${init.url.replace(/\/+$/, '')}/embeddings`
  const timeoutMs = init.timeoutMs ?? DEFAULT_EMBED_TIMEOUT_MS
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (init.apiKey != null && init.apiKey !== '') {
    headers.authorization = `Bearer ${init.apiKey}`
  }

  return async (input: EmbedRequest, ctx: HandlerContext): Promise<EmbedReply> => {
    const request = parseEmbedRequest(input)
    const upstreamModel = Object.hasOwn(init.models, request.model) ? init.models[request.model] : undefined
    if (upstreamModel == null) {
      throw new UpstreamError(`this worker does not serve embedding model "${request.model}"`)
    }
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)])
    let text: string
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...request, model: upstreamModel, encoding_format: 'float' }),
        signal
      })
      if (!res.ok) {
        throw await errorOf(res)
      }
      text = await readText(res)
    } catch (err: any) {
      if (ctx.signal.aborted) {
        throw ctx.signal.reason
      }
      if (err?.name === 'UpstreamError' || err?.name === 'InvalidInputError') {
        throw err
      }
      throw new UpstreamError(`could not get embeddings from ${endpoint}: ${err?.message ?? err}`, { cause: err })
    }
    return reply(text, request)
  }
}

function reply (text: string, request: EmbedRequest): EmbedReply {
  let body: any
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new UpstreamError('the model server sent embeddings that are not JSON', { cause: err })
  }
  const data = body?.data
  if (!Array.isArray(data) || data.length !== request.input.length) {
    throw new UpstreamError(`the model server sent ${Array.isArray(data) ? data.length : 'no'} embeddings for ${request.input.length} inputs`)
  }
  const embeddings = new Array<number[]>(data.length)
  for (const [position, item] of data.entries()) {
    const index = item?.index ?? position
    const vector = item?.embedding
    if (!Number.isInteger(index) || index < 0 || index >= data.length || embeddings[index] != null ||
      !Array.isArray(vector) || !vector.every((x: unknown) => typeof x === 'number')) {
      throw new UpstreamError('the model server sent an embedding without a float vector or a unique index')
    }
    embeddings[index] = vector
  }
  const tokens = body?.usage?.prompt_tokens
  return {
    embeddings,
    prompt_tokens: Number.isInteger(tokens) ? tokens : request.input.reduce((sum, t) => sum + estimateTokens(t), 0)
  }
}
