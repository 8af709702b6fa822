/**
 * A stand-in for a machine's model server (Ollama, llama.cpp's server,
 * vLLM): a small OpenAI-compatible HTTP API running meshwork's built-in
 * demo models, so the demo runs offline: chat with tool calls (the demo
 * model's, streamed in OpenAI's pieces) and embeddings. It knows nothing of
 * the mesh.
 *
 *   node demos/llm-gateway/model-server.ts [--port 11434] [--model llama] [--embedding-model nomic] [--token-delay-ms 20]
 *
 * prints `model-server http://127.0.0.1:<port>/v1`.
 */
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { demoChatTokens, demoEmbedding, demoToolCall, parseChatRequest } from 'meshwork'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, ServerResponse } from 'node:http'

const MAX_BODY_BYTES = 1024 * 1024

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    model: { type: 'string', default: 'llama' },
    'embedding-model': { type: 'string', default: 'nomic' },
    'token-delay-ms': { type: 'string', default: '20' }
  }
})
const model = values.model
const delayMs = Number(values['token-delay-ms'])

/** The model's pace: a pause before each token (0 still yields to other requests). */
async function pace (): Promise<void> {
  await new Promise(resolve => delayMs > 0 ? setTimeout(resolve, delayMs) : setImmediate(resolve))
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength
    if (size > MAX_BODY_BYTES) {
      throw new Error('body too large')
    }
    chunks.push(chunk as Buffer)
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

function json (res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

async function completions (req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: any
  let request
  try {
    body = await readBody(req)
    // an assistant message that only calls tools has null content
    const messages = Array.isArray(body.messages) ? body.messages.map((m: any) => ({ ...m, content: m?.content ?? '' })) : body.messages
    request = parseChatRequest({ ...body, messages, model, max_tokens: body.max_completion_tokens ?? body.max_tokens })
  } catch (err: any) {
    json(res, 400, { error: { message: err.message, type: 'invalid_request_error', param: null, code: null } })
    return
  }
  const closed = new AbortController()
  res.on('close', () => { closed.abort() })
  const id = `chatcmpl-${Date.now().toString(36)}`
  const created = Math.floor(Date.now() / 1000)
  const tokens: string[] = []
  const call = demoToolCall(request)
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const send = (delta: object, finish: string | null): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`)
    }
    send({ role: 'assistant', content: call != null ? null : '' }, null)
    if (call != null) {
      // the call's name first, then its arguments a few characters at a time
      send({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null)
      for (const part of call.function.arguments.match(/[^]{1,8}/g) ?? []) {
        await pace()
        if (closed.signal.aborted) {
          return
        }
        send({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null)
      }
      send({}, 'tool_calls')
      res.end('data: [DONE]\n\n')
      return
    }
    for (const token of demoChatTokens(request)) {
      await pace()
      if (closed.signal.aborted) {
        return
      }
      tokens.push(token)
      send({ content: token }, null)
    }
    send({}, tokens.length === request.max_tokens ? 'length' : 'stop')
    res.end('data: [DONE]\n\n')
    return
  }
  if (call != null) {
    await pace()
    json(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] })
    return
  }
  for (const token of demoChatTokens(request)) {
    await pace()
    tokens.push(token)
  }
  json(res, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: tokens.join('') }, finish_reason: tokens.length === request.max_tokens ? 'length' : 'stop' }]
  })
}

/** `POST /v1/embeddings`: the demo embedding model's vectors, as floats or base64 of float32s. */
async function embeddings (req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body: any = await readBody(req)
  const input: unknown[] = typeof body?.input === 'string' ? [body.input] : body?.input
  if (body?.model !== values['embedding-model'] || !Array.isArray(input) || !input.every(t => typeof t === 'string' && t !== '')) {
    json(res, 400, { error: { message: `input is text for model ${values['embedding-model']}`, type: 'invalid_request_error', param: 'input', code: null } })
    return
  }
  const data = (input as string[]).map((text, index) => {
    const vector = demoEmbedding(text, body.dimensions)
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding', index, embedding }
  })
  const tokens = (input as string[]).reduce((n, t) => n + Math.ceil(t.length / 4), 0)
  json(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } })
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/v1/chat/completions') {
    completions(req, res).catch(() => { res.destroy() })
  } else if (req.method === 'POST' && req.url === '/v1/embeddings') {
    embeddings(req, res).catch(() => { res.destroy() })
  } else if (req.method === 'GET' && req.url === '/v1/models') {
    json(res, 200, { object: 'list', data: [model, values['embedding-model']].map(id => ({ id, object: 'model', created: 0, owned_by: 'demo' })) })
  } else {
    json(res, 404, { error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } })
  }
})
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`model-server http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => { server.close(); server.closeAllConnections(); process.exit(0) })
}
