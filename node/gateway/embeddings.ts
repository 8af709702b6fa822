/**
 * `POST /v1/embeddings`: vectors from the mesh's `llm.embed` workers. A
 * batch is split over the live workers of its model (see ./split.ts) and
 * comes back in input order, as floats or, with `encoding_format:
 * "base64"`, as base64 of little-endian float32s, OpenAI's way.
 */
import { NoWorkersError, ProtocolError } from '../../src/errors.ts'
import { checkEmbedRequest, isEmbedReply, LLM_EMBED_SERVICE } from '../../src/models/embed.ts'
import { InvalidRequestError } from './errors.ts'
import { liveWorkers } from './models.ts'
import { inParts } from './split.ts'
import type { EmbedReply } from '../../src/models/embed.ts'
import type { MeshNode } from '../../src/types.ts'

/** Texts in one `llm.embed` task at most: a 3,072-float vector is ~60 KB of JSON, 64 of them well inside a frame. */
export const MAX_EMBED_PART_ITEMS = 64
/** Parts of one batch in flight at once. */
export const MAX_EMBED_PARTS_IN_FLIGHT = 16

export interface EmbeddingContext {
  node: MeshNode
  timeoutMs: number
  /** Texts one request may hold */
  maxEmbeddingInputs: number
}

const fail = (message: string, param: string): never => {
  throw new InvalidRequestError(message, param === '' ? null : param)
}

/** Answers one embeddings request with the body of OpenAI's reply. */
export async function embeddings (ctx: EmbeddingContext, body: unknown, signal: AbortSignal): Promise<object> {
  // the body limit bounds the characters; each part is checked again by its worker
  const request = checkEmbedRequest(body, { maxInputs: ctx.maxEmbeddingInputs, maxChars: Infinity }, fail)
  const format = (body as Record<string, unknown>).encoding_format ?? 'float'
  if (format !== 'float' && format !== 'base64') {
    throw new InvalidRequestError('encoding_format is "float" or "base64"', 'encoding_format')
  }
  const { model } = request
  const workers = liveWorkers(ctx.node, LLM_EMBED_SERVICE, model).map(p => p.peerId)
  if (workers.length === 0) {
    throw new NoWorkersError(`no worker serves embedding model "${model}" in the mesh right now`)
  }
  let tokens = 0
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)])
  const vectors = await inParts(request.input, { workers, maxPartItems: MAX_EMBED_PART_ITEMS, maxInFlight: MAX_EMBED_PARTS_IN_FLIGHT, signal: deadline },
    async (input, preferPeer, partSignal) => {
      const reply = await ctx.node.request<EmbedReply>(LLM_EMBED_SERVICE, { ...request, input }, {
        model, preferPeer, balancer: 'least-loaded', timeoutMs: ctx.timeoutMs, signal: partSignal
      })
      if (!isEmbedReply(reply, input.length)) {
        throw new ProtocolError(`a worker's llm.embed reply is not ${input.length} vectors`)
      }
      tokens += reply.prompt_tokens
      return reply.embeddings
    })
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? base64(vector) : vector })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens }
  }
}

/** A vector as base64 of little-endian float32s. */
function base64 (vector: number[]): string {
  const bytes = new DataView(new ArrayBuffer(vector.length * 4))
  vector.forEach((x, i) => { bytes.setFloat32(i * 4, x, true) })
  return Buffer.from(bytes.buffer).toString('base64')
}
