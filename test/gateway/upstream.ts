/**
 * A small OpenAI-compatible model server for tests, speaking the public
 * protocol: `POST /v1/chat/completions` (plain and streamed, with tool
 * calls) and `POST /v1/embeddings`. Its model is canned:
 *
 * - offered tools and the conversation ends with a user message: it calls
 *   the first tool with `{"city": <the message>}`, a fresh call id each
 *   time, the arguments streamed in 4-character fragments;
 * - after a tool result: {@link toolAnswer} of it, word by word;
 * - otherwise {@link plainAnswer} of the last message.
 *
 * A trailing assistant message is continued (as llama.cpp's server does),
 * so a bridge resuming an answer gets exactly its rest. Every request body
 * is kept, and `progress` tells how far the current streams have got.
 *
 * @example
 * ```ts
 * const upstream = await startUpstream({ pieceDelayMs: 20 })
 * // worker --handler openai --openai-url ${upstream.url} ...
 * await upstream.close()
 * ```
 */
import { EventEmitter } from 'node:events'
import { createServer } from 'node:http'
import { demoEmbedding } from '../../src/models/demo-embed.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export const toolAnswer = (result: string): string =>
  `The weather tool says ${result}, so take a coat if you go out and enjoy the rest of your day.`
export const plainAnswer = (text: string): string => `You said ${text} and that is all I know.`

/** The answer's words as a model streams them: "The", " weather", ... */
export const words = (text: string): string[] => text.split(/(?= )/)

export interface Upstream {
  /** The API's base URL, `http://127.0.0.1:port/v1` */
  url: string
  /** Every chat request body, in arrival order */
  chats: any[]
  /** Every embeddings request body */
  embeds: any[]
  /** Tool call ids issued, in order */
  callIds: string[]
  /** `piece` (kind, count so far) as a stream sends; `closed` when a stream's client went away; `embed` as a batch arrives */
  progress: EventEmitter
  close(): Promise<void>
}

export interface UpstreamOptions {
  /** Pause before each streamed piece. Default 0 */
  pieceDelayMs?: number
  /** Pause before answering an embeddings request. Default 0 */
  embedDelayMs?: number
}

let calls = 0

export async function startUpstream (options: UpstreamOptions = {}): Promise<Upstream> {
  const delay = options.pieceDelayMs ?? 0
  const up: Omit<Upstream, 'url' | 'close'> = { chats: [], embeds: [], callIds: [], progress: new EventEmitter() }

  const chat = async (body: any, res: ServerResponse): Promise<void> => {
    up.chats.push(body)
    const messages: any[] = body.messages
    let last = messages[messages.length - 1]
    let prefill = ''
    if (last.role === 'assistant' && last.tool_calls == null) {
      prefill = last.content
      last = messages[messages.length - 2]
    }
    const id = `chatcmpl-up${up.chats.length}`
    if (body.tools != null && body.tool_choice !== 'none' && last.role === 'user') {
      const callId = `call_up_${++calls}`
      up.callIds.push(callId)
      const call = { id: callId, type: 'function', function: { name: body.tools[0].function.name, arguments: JSON.stringify({ city: last.content }) } }
      if (body.stream !== true) {
        json(res, 200, { id, object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] })
        return
      }
      const fragments = call.function.arguments.match(/.{1,4}/g) ?? []
      await stream(res, id, body.model, [
        { tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: call.function.name, arguments: '' } }] },
        ...fragments.map(arguments_ => ({ tool_calls: [{ index: 0, function: { arguments: arguments_ } }] }))
      ], 'tool_calls', 'tool')
      return
    }
    const answer = last.role === 'tool' ? toolAnswer(last.content) : plainAnswer(last.content)
    let tokens = words(answer)
    let skip = 0
    for (let text = ''; skip < tokens.length && text.length < prefill.length; skip++) {
      text += tokens[skip]
    }
    tokens = tokens.slice(skip)
    const max = body.max_tokens as number | undefined
    const cut = max != null && max < tokens.length
    tokens = tokens.slice(0, max)
    if (body.stream !== true) {
      json(res, 200, { id, object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: cut ? 'length' : 'stop' }] })
      return
    }
    await stream(res, id, body.model, tokens.map(content => ({ content })), cut ? 'length' : 'stop', 'text')
  }

  const stream = async (res: ServerResponse, id: string, model: string, deltas: object[], finish: string, kind: string): Promise<void> => {
    let closed = false
    res.on('close', () => { closed = true; up.progress.emit('closed', kind) })
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const send = (delta: object, reason: string | null): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: reason }] })}\n\n`)
    }
    send({ role: 'assistant', content: null }, null)
    for (let i = 0; i < deltas.length; i++) {
      await new Promise(resolve => setTimeout(resolve, delay))
      if (closed) {
        return
      }
      send(deltas[i], null)
      up.progress.emit('piece', kind, i + 1)
    }
    send({}, finish)
    res.end('data: [DONE]\n\n')
  }

  const embed = async (body: any, res: ServerResponse): Promise<void> => {
    up.progress.emit('embed', body.input.length)
    await new Promise(resolve => setTimeout(resolve, options.embedDelayMs ?? 0))
    if (res.destroyed) {
      return
    }
    up.embeds.push(body)
    const input: string[] = typeof body.input === 'string' ? [body.input] : body.input
    const data = input.map((text, index) => {
      const vector = demoEmbedding(text, body.dimensions ?? 8)
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
      return { object: 'embedding', index, embedding }
    })
    // out of order, as the protocol allows: the index says which is which
    json(res, 200, { object: 'list', data: data.reverse(), model: body.model, usage: { prompt_tokens: input.length, total_tokens: input.length } })
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (c) => { text += c })
    req.on('end', () => {
      const body = JSON.parse(text)
      if (req.url === '/v1/chat/completions') {
        chat(body, res).catch(() => { res.destroy() })
      } else if (req.url === '/v1/embeddings') {
        embed(body, res).catch(() => { res.destroy() })
      } else {
        json(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } })
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    ...up,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function json (res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}
