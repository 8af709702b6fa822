/**
 * A bridge from the mesh to a model server: serves `llm.chat` by calling
 * any OpenAI-compatible API (Ollama, llama.cpp's server, vLLM, another
 * meshwork gateway) with `stream: true` and yielding the tokens of its
 * server-sent events as they come. Cancelling the task aborts the HTTP
 * request. A resumed attempt asks the server to continue the answer from
 * the tokens the caller already has (see `continueRequest` in
 * src/models/chat.ts): servers that continue a trailing assistant message
 * (llama.cpp's server, Ollama, meshwork's demo model; vLLM with
 * `continueFinalMessage`) pick up where the last worker stopped.
 *
 * Every field of the request passes through: sampling options, `stop`,
 * `response_format`, `user`, `tools`, `tool_choice`, `parallel_tool_calls`
 * and the conversation's tool calls and results. The server's
 * `delta.tool_calls` pieces are assembled here and leave as one last
 * chunk, `{ tool_calls }`, once the server finished the answer; a worker
 * dying before that has sent none of them, and the resumed attempt asks
 * the server again (after the text already sent) and gets them anew.
 *
 * @example
 * ```ts
 * node.serve(LLM_CHAT_SERVICE, openaiChat({ url: 'http://127.0.0.1:11434/v1', models: { llama: 'llama3.2:1b' } }), {
 *   resume: 'continue',
 *   models: ['llama']
 * })
 * ```
 */
import { RetryableError } from '../../src/errors.ts'
import { continueRequest, parseChatRequest } from '../../src/models/chat.ts'
import { InvalidInputError } from '../../src/models/demo-llm.ts'
import { resumedText } from '../../src/models/tools.ts'
import { readEvents } from './sse.ts'
import { ToolCallAssembler } from './tool-calls.ts'
import type { ChatRequest } from '../../src/models/chat.ts'
import type { ChatChunk, ToolCall } from '../../src/models/tools.ts'
import type { Handler, HandlerContext } from '../../src/types.ts'

/** A server that sends nothing for this long is given up on (and the task moves). */
export const DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS = 60_000
/** Bytes of an error body or a non-streamed answer read at most. */
export const MAX_UPSTREAM_BODY_CHARS = 4 * 1024 * 1024
/** Statuses that mean the request itself is wrong: no other worker would do better. */
const FINAL_STATUSES = new Set([400, 413, 422])

/**
 * The model server failed, could not be reached, or does not have the
 * model. Retryable: the requester moves the task to another worker.
 */
export class UpstreamError extends RetryableError {
  readonly code = 'UpstreamError'
  /** HTTP status of the server's answer, when it answered */
  readonly status?: number

  constructor (message: string, options: { status?: number, cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'UpstreamError'
    this.status = options.status
  }
}

export interface OpenAIChatInit {
  /** Base URL of the API, as the openai client's `baseURL` (e.g. `http://127.0.0.1:11434/v1`) */
  url: string
  /**
   * Models served: mesh name -> the server's name for it. A request for a
   * model not listed is refused (retryably).
   */
  models: Record<string, string>
  /** Sent as `Authorization: Bearer <apiKey>` */
  apiKey?: string
  /** A server that sends nothing for this long is given up on. Default 60 s */
  idleTimeoutMs?: number
  /**
   * Mark a trailing assistant message as one to continue with vLLM's
   * `continue_final_message: true, add_generation_prompt: false` (vLLM
   * needs them to resume an answer; llama.cpp's server accepts them too).
   * Off by default: strict servers refuse fields they do not know.
   */
  continueFinalMessage?: boolean
}

/** The bridge as an `llm.chat` handler; serve it with `{ resume: 'continue' }`. */
export function openaiChat (init: OpenAIChatInit): Handler<ChatRequest, ChatChunk> {
  const endpoint = `${init.url.replace(/\/+$/, '')}/chat/completions`
  const idleTimeoutMs = init.idleTimeoutMs ?? DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' }
  if (init.apiKey != null && init.apiKey !== '') {
    headers.authorization = `Bearer ${init.apiKey}`
  }

  return async function * (input: ChatRequest, ctx: HandlerContext): AsyncGenerator<ChatChunk> {
    const request = parseChatRequest(input)
    const upstreamModel = Object.hasOwn(init.models, request.model) ? init.models[request.model] : undefined
    if (upstreamModel == null) {
      throw new UpstreamError(`this worker does not serve model "${request.model}"`)
    }
    const sent = resumedText(ctx.resume.chunks)
    const rest = sent != null ? continueRequest(request, sent) : undefined
    if (rest == null) {
      return
    }
    const idle = new IdleTimer(idleTimeoutMs)
    const signal = AbortSignal.any([ctx.signal, idle.signal])
    try {
      let res: Response
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: JSON.stringify({ ...rest, messages: rest.messages.map(upstreamMessage), ...continuation(rest, init), model: upstreamModel, stream: true }),
          signal
        })
      } catch (err: any) {
        throw failure(ctx, idle, `could not reach ${endpoint}`, err)
      }
      if (!res.ok) {
        throw await errorOf(res)
      }
      if (res.body == null) {
        throw new UpstreamError('the model server sent no body', { status: res.status })
      }
      if (!(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
        // a server that ignored `stream: true` sends the whole answer as JSON
        yield * whole(await readText(res))
        return
      }
      idle.touch()
      let finished = false
      const calls = new ToolCallAssembler()
      let complete: ToolCall[] = []
      try {
        for await (const event of readEvents(bytes(res))) {
          idle.touch()
          if (event.data === '[DONE]') {
            finished = true
            break
          }
          const chunk = parseEvent(event.data)
          if (chunk.content !== '') {
            yield chunk.content
          }
          calls.add(chunk.toolCalls)
          finished ||= chunk.finished
        }
        complete = calls.calls()
      } catch (err: any) {
        throw failure(ctx, idle, 'the model server\'s stream broke', err)
      }
      if (!finished) {
        throw new UpstreamError('the model server closed the stream before the answer ended')
      }
      if (complete.length > 0) {
        yield { tool_calls: complete }
      }
    } finally {
      idle.stop()
    }
  }
}

/** The fields that ask a server to continue a trailing assistant message, when configured. */
function continuation (request: ChatRequest, init: OpenAIChatInit): object {
  if (init.continueFinalMessage !== true || request.messages[request.messages.length - 1].role !== 'assistant') {
    return {}
  }
  return { continue_final_message: true, add_generation_prompt: false }
}

/** A message as the server gets it: an assistant message that only calls tools has null content. */
function upstreamMessage (message: ChatRequest['messages'][number]): object {
  return message.tool_calls != null && message.content === '' ? { ...message, content: null } : message
}

function parseEvent (data: string): { content: string, finished: boolean, toolCalls: unknown } {
  let chunk: any
  try {
    chunk = JSON.parse(data)
  } catch (err) {
    throw new UpstreamError('the model server sent an event that is not JSON', { cause: err })
  }
  if (chunk?.error != null) {
    throw new UpstreamError(`the model server failed: ${messageOf(chunk.error)}`)
  }
  const choice = Array.isArray(chunk?.choices) ? chunk.choices[0] : undefined
  const content = choice?.delta?.content
  return {
    content: typeof content === 'string' ? content : '',
    finished: choice?.finish_reason != null,
    toolCalls: choice?.delta?.tool_calls
  }
}

function * whole (text: string): Generator<ChatChunk> {
  let body: any
  try {
    body = JSON.parse(text)
  } catch (err) {
    throw new UpstreamError('the model server sent an answer that is not JSON', { cause: err })
  }
  const message = body?.choices?.[0]?.message
  const content = message?.content ?? (message?.tool_calls != null ? '' : undefined)
  if (typeof content !== 'string') {
    throw new UpstreamError('the model server\'s answer has no message content')
  }
  if (content !== '') {
    yield content
  }
  if (message.tool_calls != null) {
    const calls = new ToolCallAssembler()
    try {
      calls.add(message.tool_calls.map((call: any, index: number) => ({ index, ...call })))
      yield { tool_calls: calls.calls() }
    } catch (err: any) {
      throw new UpstreamError(`the model server's tool calls are malformed: ${err.message}`, { cause: err })
    }
  }
}

/** The error a failed response stands for: the caller's fault (final) or the server's (retryable). */
export async function errorOf (res: Response): Promise<Error> {
  let detail = res.statusText
  try {
    const text = await readText(res)
    try {
      detail = messageOf(JSON.parse(text)?.error ?? text)
    } catch {
      detail = text.slice(0, 500)
    }
  } catch {}
  const message = `the model server answered ${res.status}: ${detail}`
  return FINAL_STATUSES.has(res.status) ? new InvalidInputError(message) : new UpstreamError(message, { status: res.status })
}

function messageOf (error: unknown): string {
  if (typeof error === 'string') {
    return error.slice(0, 500)
  }
  const message = (error as any)?.message
  return typeof message === 'string' ? message.slice(0, 500) : JSON.stringify(error).slice(0, 500)
}

/** Reads a body as text, up to {@link MAX_UPSTREAM_BODY_CHARS}. */
export async function readText (res: Response): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of bytes(res)) {
    text += decoder.decode(chunk, { stream: true })
    if (text.length > MAX_UPSTREAM_BODY_CHARS) {
      await res.body?.cancel().catch(() => {})
      throw new UpstreamError(`the model server's answer is longer than ${MAX_UPSTREAM_BODY_CHARS} characters`)
    }
  }
  return text + decoder.decode()
}

/** A response body as the async iterable of bytes it is in Node (the DOM typings lack it). */
function bytes (res: Response): AsyncIterable<Uint8Array> {
  return (res.body ?? []) as unknown as AsyncIterable<Uint8Array>
}

/** A cancelled task ends with the task's own reason; anything else is the server's failure. */
function failure (ctx: HandlerContext, idle: IdleTimer, what: string, err: any): Error {
  if (ctx.signal.aborted) {
    return ctx.signal.reason
  }
  if (idle.signal.aborted) {
    return new UpstreamError(`${what}: nothing for ${idle.timeoutMs} ms`, { cause: err })
  }
  if (err instanceof UpstreamError || err instanceof InvalidInputError) {
    return err
  }
  return new UpstreamError(`${what}: ${err?.message ?? err}`, { cause: err })
}

/** Aborts its signal once `timeoutMs` pass without a `touch()`. */
class IdleTimer {
  readonly timeoutMs: number
  private readonly controller = new AbortController()
  private timer?: ReturnType<typeof setTimeout>

  constructor (timeoutMs: number) {
    this.timeoutMs = timeoutMs
    this.touch()
  }

  get signal (): AbortSignal {
    return this.controller.signal
  }

  touch (): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { this.controller.abort() }, this.timeoutMs)
  }

  stop (): void {
    clearTimeout(this.timer)
  }
}
