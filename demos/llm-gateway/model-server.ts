/**
 * A stand-in for a machine's model server (Ollama, llama.cpp's server,
 * vLLM): a small OpenAI-compatible HTTP API running meshwork's built-in
 * demo model, so the demo runs offline. It knows nothing of the mesh.
 *
 *   node demos/llm-gateway/model-server.ts [--port 11434] [--model llama] [--token-delay-ms 20]
 *
 * prints `model-server http://127.0.0.1:<port>/v1`.
 */
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { demoChatTokens, parseChatRequest } from 'meshwork'
import type { AddressInfo } from 'node:net'
import type { IncomingMessage, ServerResponse } from 'node:http'

const MAX_BODY_BYTES = 1024 * 1024

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    model: { type: 'string', default: 'llama' },
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
    request = parseChatRequest({ ...body, model, max_tokens: body.max_completion_tokens ?? body.max_tokens })
  } catch (err: any) {
    json(res, 400, { error: { message: err.message, type: 'invalid_request_error', param: null, code: null } })
    return
  }
  const closed = new AbortController()
  res.on('close', () => { closed.abort() })
  const id = `chatcmpl-${Date.now().toString(36)}`
  const created = Math.floor(Date.now() / 1000)
  const tokens: string[] = []
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    const send = (delta: object, finish: string | null): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`)
    }
    send({ role: 'assistant', content: '' }, null)
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

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/v1/chat/completions') {
    completions(req, res).catch(() => { res.destroy() })
  } else if (req.method === 'GET' && req.url === '/v1/models') {
    json(res, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'demo' }] })
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
