/**
 * `POST /v1/chat/completions`: one answer from the mesh. The request goes
 * to a worker announcing its model — the one holding the conversation's
 * prefix when it has room, else the least loaded — as an `llm.chat` stream,
 * so a worker dying mid-answer costs the client nothing: the mesh resumes
 * the answer elsewhere and the client reads each token once.
 *
 * Nothing is sent before the first token, so a failure to start (no
 * worker, a bad request, the deadline) gets its own HTTP status; a failure
 * after that ends the event stream with an error event, as OpenAI's API
 * does. `x-meshwork-peer` names the worker that started the answer.
 *
 * A request offering tools goes only to workers whose model takes them.
 * An answer's tool calls come from the worker whole, as its last chunk,
 * and are sent on then (streamed: OpenAI's `delta.tool_calls` pieces), so
 * the client sees each call once and never part of one, whichever worker
 * finished the answer.
 */
import { once } from 'node:events'
import { ProtocolError } from '../../src/errors.ts'
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import { isToolCallsChunk, toolsModel } from '../../src/models/tools.ts'
import { InvalidRequestError, toHttpError } from './errors.ts'
import { chunk, completion, finishReason, newAnswer, sse, SSE_DONE, toolCallPieces, usage, usageChunk } from './format.ts'
import { hasRoom, liveWorkers } from './models.ts'
import { parseCompletionRequest } from './request.ts'
import { extendKey, prefixKeys } from './sticky.ts'
import type { Affinity } from './sticky.ts'
import type { Answer } from './format.ts'
import type { CompletionRequest } from './request.ts'
import type { ChatChunk, ToolCall } from '../../src/models/tools.ts'
import type { MeshNode } from '../../src/types.ts'
import type { Logger } from '@libp2p/interface'
import type { ServerResponse } from 'node:http'

/** Characters of a whole (non-streamed) answer held at most. */
export const MAX_ANSWER_CHARS = 8 * 1024 * 1024

/** The response header naming the worker that started the answer. */
export const PEER_HEADER = 'x-meshwork-peer'

export interface CompletionContext {
  node: MeshNode
  affinity: Affinity
  timeoutMs: number
  stallTimeoutMs: number
  log: Logger
  /** The worker a task was last dispatched to */
  dispatchedTo(taskId: string): string | undefined
  /** The gateway is done with a task's dispatch record */
  forget(taskId: string): void
}

/**
 * Answers one completion request. Throws (before any byte is written) when
 * the request is bad or no answer could start; the server turns that into
 * an error response.
 */
export async function chatCompletion (ctx: CompletionContext, body: unknown, res: ServerResponse): Promise<void> {
  const request = parseCompletionRequest(body)
  const { chat } = request
  const route = routeModel(ctx, request)
  const keys = prefixKeys(chat.model, chat.messages)
  const preferPeer = ctx.affinity.lookup(keys, peer => hasRoom(ctx.node, peer, route))
  const abort = new AbortController()
  const onClose = (): void => { abort.abort() }
  res.once('close', onClose)
  const stream = ctx.node.stream<ChatChunk>(LLM_CHAT_SERVICE, chat, {
    model: route,
    preferPeer,
    balancer: 'least-loaded',
    timeoutMs: ctx.timeoutMs,
    stallTimeoutMs: ctx.stallTimeoutMs,
    signal: abort.signal
  })
  const tokens = stream[Symbol.asyncIterator]()
  try {
    const first = await tokens.next()
    const answer = newAnswer(chat.model)
    const started = ctx.dispatchedTo(stream.id) ?? ''
    ctx.log('%s started on %s (sticky: %s)', stream.id, started, preferPeer ?? 'none')
    const reply = request.stream
      ? await streamAnswer(request, answer, first, tokens, started, res)
      : await wholeAnswer(request, answer, first, tokens, started, res)
    const finished = ctx.dispatchedTo(stream.id)
    if (reply != null && finished != null) {
      const last = keys[keys.length - 1]
      const said = reply.calls.length > 0 ? { tool_calls: reply.calls } : {}
      ctx.affinity.remember([last, extendKey(last, { role: 'assistant', content: reply.text, ...said })], finished)
    }
  } finally {
    res.off('close', onClose)
    ctx.forget(stream.id)
    // ends the call if it is still running (a write failed, or the client left)
    await tokens.return?.()
  }
}

type Tokens = AsyncIterator<ChatChunk>

/** What an answer said: its text and its tool calls. */
interface Reply {
  text: string
  calls: ToolCall[]
}

/**
 * The model name a request is routed by: a request offering tools goes
 * only to workers announcing that their model takes them. Refused (400)
 * when the model is live but takes no tools anywhere; with no worker of
 * the model at all the dispatch fails with 503.
 */
function routeModel (ctx: CompletionContext, request: CompletionRequest): string {
  const { model, tools } = request.chat
  if (tools == null) {
    return model
  }
  const route = toolsModel(model)
  if (liveWorkers(ctx.node, LLM_CHAT_SERVICE, route).length === 0 && liveWorkers(ctx.node, LLM_CHAT_SERVICE, model).length > 0) {
    throw new InvalidRequestError(`no worker of model "${model}" takes tools`, 'tools')
  }
  return route
}

/** One chunk of the answer: a token, or its tool calls (which end it). */
function chunkOf (item: IteratorResult<ChatChunk>, calls: ToolCall[]): string | ToolCall[] {
  if (calls.length > 0) {
    throw new ProtocolError('a worker sent more of an llm.chat answer after its tool calls')
  }
  if (isToolCallsChunk(item.value)) {
    return item.value.tool_calls
  }
  if (typeof item.value !== 'string') {
    throw new ProtocolError('a worker sent an llm.chat chunk that is neither a string nor { tool_calls }')
  }
  return item.value
}

/** Sends the answer as server-sent events; returns what it said, or undefined when it broke off. */
async function streamAnswer (request: CompletionRequest, answer: Answer, first: IteratorResult<ChatChunk>, tokens: Tokens, peer: string, res: ServerResponse): Promise<Reply | undefined> {
  const { includeUsage } = request
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    [PEER_HEADER]: peer
  })
  const parts: string[] = []
  let calls: ToolCall[] = []
  try {
    // an answer that is only tool calls has no content, as OpenAI sends it
    const content = isToolCallsChunk(first.value) ? null : ''
    await write(res, sse(chunk(answer, { role: 'assistant', content }, null, includeUsage)))
    for (let item = first; item.done !== true; item = await tokens.next()) {
      const got = chunkOf(item, calls)
      if (typeof got === 'string') {
        parts.push(got)
        await write(res, sse(chunk(answer, { content: got }, null, includeUsage)))
      } else {
        calls = got
        await write(res, toolCallPieces(calls).map(piece => sse(chunk(answer, { tool_calls: [piece] }, null, includeUsage))).join(''))
      }
      if (res.destroyed) {
        return undefined
      }
    }
  } catch (err: any) {
    if (!res.destroyed) {
      res.end(sse(toHttpError(err).body))
    }
    return undefined
  }
  const finish = finishReason(request.chat, parts.length, calls)
  let tail = sse(chunk(answer, {}, finish, includeUsage))
  if (includeUsage) {
    tail += sse(usageChunk(answer, usage(request.chat, parts.length)))
  }
  res.end(tail + SSE_DONE)
  return { text: parts.join(''), calls }
}

/** Gathers the answer and sends it as one `chat.completion`. */
async function wholeAnswer (request: CompletionRequest, answer: Answer, first: IteratorResult<ChatChunk>, tokens: Tokens, peer: string, res: ServerResponse): Promise<Reply> {
  const parts: string[] = []
  let calls: ToolCall[] = []
  let chars = 0
  for (let item = first; item.done !== true; item = await tokens.next()) {
    const text = chunkOf(item, calls)
    if (typeof text !== 'string') {
      calls = text
      continue
    }
    chars += text.length
    if (chars > MAX_ANSWER_CHARS) {
      throw new ProtocolError(`the answer is longer than ${MAX_ANSWER_CHARS} characters; ask for it with stream: true`)
    }
    parts.push(text)
  }
  const content = parts.join('')
  const body = JSON.stringify(completion(answer, content, calls, finishReason(request.chat, parts.length, calls), usage(request.chat, parts.length)))
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    [PEER_HEADER]: peer
  })
  res.end(body)
  return { text: content, calls }
}

/** Writes, waiting for the socket to drain when its buffer is full (or for it to close). */
async function write (res: ServerResponse, text: string): Promise<void> {
  if (res.write(text) || res.destroyed) {
    return
  }
  const closed = new AbortController()
  await Promise.race([
    once(res, 'drain', { signal: closed.signal }),
    once(res, 'close', { signal: closed.signal })
  ]).catch(() => {}).finally(() => { closed.abort() })
}
