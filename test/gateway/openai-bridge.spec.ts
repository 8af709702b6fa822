import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openaiChat } from '../../node/handlers/openai.ts'
import { eventually } from '../helpers/mesh.ts'
import type { HandlerContext } from '../../src/types.ts'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A model server speaking OpenAI's streaming format, each model a behaviour. */
function modelServer (): { server: Server, bodies: any[], closed: string[] } {
  const bodies: any[] = []
  const closed: string[] = []
  const event = (res: ServerResponse, value: unknown): boolean => res.write(`data: ${JSON.stringify(value)}\n\n`)
  const delta = (content: string | null, finish: string | null = null): object => ({
    object: 'chat.completion.chunk', choices: [{ index: 0, delta: content == null ? {} : { content }, finish_reason: finish }]
  })
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = ''
    req.on('data', (c) => { text += c })
    req.on('end', () => {
      const body = JSON.parse(text)
      bodies.push(body)
      res.on('close', () => { closed.push(body.model) })
      const sse = (): void => { res.writeHead(200, { 'content-type': 'text/event-stream' }) }
      switch (body.model) {
        case 'up-ok':
          sse()
          event(res, { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })
          for (const t of ['Hel', 'lo', ' there']) event(res, delta(t))
          event(res, delta(null, 'stop'))
          event(res, { object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: 3 } })
          res.end('data: [DONE]\n\n')
          break
        case 'up-slow':
          sse()
          event(res, delta('first'))
          break // and never another byte
        case 'up-bad':
          res.writeHead(400, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ error: { message: 'max_tokens too large', type: 'invalid_request_error' } }))
          break
        case 'up-down':
          res.writeHead(503)
          res.end('overloaded')
          break
        case 'up-cut':
          sse()
          event(res, delta('half'))
          setTimeout(() => { res.socket?.destroy() }, 20)
          break
        case 'up-error-event':
          sse()
          event(res, delta('x'))
          res.end(`data: ${JSON.stringify({ error: { message: 'out of memory' } })}\n\n`)
          break
        case 'up-tools':
          // two calls, their pieces interleaved, after some text
          sse()
          event(res, delta('Let me check.'))
          for (const pieces of [
            [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }],
            [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz"' } }],
            [{ index: 0, function: { arguments: '{"city":' } }],
            [{ index: 1, function: { arguments: ':"CET"}' } }],
            [{ index: 0, function: { arguments: '"Oslo"}' } }]
          ]) {
            event(res, { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: pieces }, finish_reason: null }] })
          }
          event(res, delta(null, 'tool_calls'))
          res.end('data: [DONE]\n\n')
          break
        case 'up-tools-cut':
          sse()
          event(res, { object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"ci' } }] }, finish_reason: null }] })
          setTimeout(() => { res.socket?.destroy() }, 20)
          break
        case 'up-tools-json':
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_j', type: 'function', function: { name: 'weather', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] }))
          break
        case 'up-json':
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'all at once' }, finish_reason: 'stop' }] }))
          break
        default:
          res.writeHead(404)
          res.end()
      }
    })
  })
  return { server, bodies, closed }
}

function context (resume: string[] = [], signal = new AbortController().signal): HandlerContext {
  return { signal, taskId: 't1', attempt: resume.length > 0 ? 2 : 1, service: 'llm.chat', requester: 'peer', resume: { chunks: resume } }
}

async function collect (gen: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const t of gen) out.push(t)
  return out
}

const ask = (model: string, extra: object = {}): any => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra })

describe('the openai bridge handler', () => {
  let upstream: ReturnType<typeof modelServer>
  let url: string
  let handler: ReturnType<typeof openaiChat>

  beforeAll(async () => {
    upstream = modelServer()
    await new Promise<void>(resolve => upstream.server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}/v1`
    const models = Object.fromEntries(['ok', 'slow', 'bad', 'down', 'cut', 'error-event', 'json', 'tools', 'tools-cut', 'tools-json'].map(m => [m, `up-${m}`]))
    handler = openaiChat({ url, models, idleTimeoutMs: 2_000 })
  })

  afterAll(async () => {
    upstream.server.closeAllConnections()
    await new Promise(resolve => upstream.server.close(resolve))
  })

  const run = (input: unknown, ctx = context()): AsyncIterable<string> => handler(input as any, ctx) as AsyncIterable<string>

  it('assembles the server\'s tool call pieces into one last chunk, each call whole, in index order', async () => {
    const tools = [{ type: 'function', function: { name: 'weather' } }, { type: 'function', function: { name: 'time' } }]
    expect(await collect(run(ask('tools', { tools, tool_choice: 'auto', parallel_tool_calls: true })))).toEqual([
      'Let me check.',
      {
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_b', type: 'function', function: { name: 'time', arguments: '{"tz":"CET"}' } }
        ]
      }
    ])
    expect(upstream.bodies.at(-1)).toMatchObject({ tools, tool_choice: 'auto', parallel_tool_calls: true })
    expect(await collect(run(ask('tools-json', { tools })))).toEqual([
      { tool_calls: [{ id: 'call_j', type: 'function', function: { name: 'weather', arguments: '{}' } }] }
    ])
  })

  it('sends nothing of a tool call the server broke off, and fails retryably', async () => {
    const got: unknown[] = []
    const err = await (async () => { for await (const c of run(ask('tools-cut', { tools: [{ type: 'function', function: { name: 'weather' } }] }))) got.push(c) })().catch(e => e)
    expect(got).toEqual([])
    expect(err.name).toBe('UpstreamError')
    expect(err.retryable).toBe(true)
  })

  it('passes a conversation\'s tool calls and results on, a call-only message with null content; a resumed answer after its tool calls asks nothing', async () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } }
    const messages = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', content: 'sunny', tool_call_id: 'call_1' }]
    await collect(run({ model: 'ok', messages, tools: [{ type: 'function', function: { name: 'weather' } }] }))
    expect(upstream.bodies.at(-1).messages).toEqual([messages[0], { ...messages[1], content: null }, messages[2]])
    const asked = upstream.bodies.length
    expect(await collect(run(ask('tools'), context([{ tool_calls: [call] }] as any)))).toEqual([])
    expect(upstream.bodies.length).toBe(asked)
  })

  it('turns the server\'s events into tokens, asking for a stream of the server\'s model', async () => {
    expect(await collect(run(ask('ok', { max_tokens: 9 })))).toEqual(['Hel', 'lo', ' there'])
    const body = upstream.bodies.at(-1)
    expect(body).toMatchObject({ model: 'up-ok', stream: true, max_tokens: 9, messages: [{ role: 'user', content: 'hi' }] })
  })

  it('resumes by asking the server to continue from the tokens already sent', async () => {
    await collect(run(ask('ok', { max_tokens: 9 }), context(['Hel', 'lo'])))
    const body = upstream.bodies.at(-1)
    expect(body.messages).toEqual([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello' }])
    expect(body.max_tokens).toBe(7)
  })

  it('marks the answer to continue for servers that need it, when configured', async () => {
    const vllm = openaiChat({ url, models: { ok: 'up-ok' }, continueFinalMessage: true })
    await collect(vllm(ask('ok', { max_tokens: 9 }), context(['Hel'])) as AsyncIterable<string>)
    expect(upstream.bodies.at(-1)).toMatchObject({ continue_final_message: true, add_generation_prompt: false })
    await collect(vllm(ask('ok', { max_tokens: 9 }), context()) as AsyncIterable<string>)
    expect(upstream.bodies.at(-1)).not.toHaveProperty('continue_final_message')
    await collect(run(ask('ok', { max_tokens: 9 }), context(['Hel'])))
    expect(upstream.bodies.at(-1)).not.toHaveProperty('continue_final_message')
  })

  it('aborts the HTTP request when the task is cancelled', async () => {
    const controller = new AbortController()
    const tokens = run(ask('slow'), context([], controller.signal))[Symbol.asyncIterator]()
    expect((await tokens.next()).value).toBe('first')
    const pending = tokens.next()
    controller.abort(new Error('cancelled'))
    await expect(pending).rejects.toThrow('cancelled')
    await eventually(() => upstream.closed.includes('up-slow'), 5_000, 'the server saw the request end')
  })

  it('takes a whole JSON answer from a server that ignored stream: true', async () => {
    expect(await collect(run(ask('json')))).toEqual(['all at once'])
  })

  it('refuses a request the server calls bad, for good (not retried)', async () => {
    const err = await collect(run(ask('bad'))).catch(e => e)
    expect(err.name).toBe('InvalidInputError')
    expect(err.retryable).toBeUndefined()
  })

  it('fails retryably when the server fails, breaks off, goes silent or cannot be reached', async () => {
    for (const model of ['down', 'cut', 'error-event', 'unknown-here']) {
      const err = await collect(run(ask(model))).catch(e => e)
      expect(err.name, model).toBe('UpstreamError')
      expect(err.retryable, model).toBe(true)
    }
    const silent = openaiChat({ url, models: { slow: 'up-slow' }, idleTimeoutMs: 300 })
    const err = await collect(silent(ask('slow'), context()) as AsyncIterable<string>).catch(e => e)
    expect(err.name).toBe('UpstreamError')
    const nowhere = openaiChat({ url: 'http://127.0.0.1:1/v1', models: { ok: 'up-ok' } })
    const unreachable = await collect(nowhere(ask('ok'), context()) as AsyncIterable<string>).catch(e => e)
    expect(unreachable.name).toBe('UpstreamError')
  })

  it('refuses input that is not an llm.chat request', async () => {
    const err = await collect(run({ prompt: 'hi' })).catch(e => e)
    expect(err.name).toBe('InvalidInputError')
  })
})
