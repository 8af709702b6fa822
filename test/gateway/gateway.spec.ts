import { createServer } from 'node:http'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway, PEER_HEADER } from '../../node/gateway/index.ts'
import { openaiChat } from '../../node/handlers/openai.ts'
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import { demoChat, demoChatAnswer } from '../../src/models/demo-chat.ts'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { Gateway } from '../../node/gateway/index.ts'
import type { ChatRequest } from '../../src/models/chat.ts'
import type { MeshNode } from '../../src/types.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const serveOptions = (models: string[], concurrency = 4): object => ({ resume: 'continue', models, concurrency })
type Turn = Array<{ role: 'user' | 'assistant', content: string }>
const messages = (content: string): Turn => [{ role: 'user', content }]
const expected = (content: string, maxTokens: number): string => demoChatAnswer({ model: 'demo-llm', messages: messages(content), max_tokens: maxTokens }).join('')

describe('the gateway in front of an in-process mesh', () => {
  let mesh: TestMesh
  let node: MeshNode
  let gateway: Gateway
  let client: OpenAI
  let w1: MeshNode
  let w2: MeshNode
  let slow: MeshNode
  let bridge: MeshNode
  let upstream: Server
  const upstreamClosed: string[] = []

  beforeAll(async () => {
    mesh = await createMeshOf(6, { presenceIntervalMs: 200 })
    ;[, w1, w2, slow, bridge, node] = mesh.nodes
    w1.serve(LLM_CHAT_SERVICE, demoChat({ tokenDelayMs: 2 }), serveOptions(['demo-llm'], 1))
    w2.serve(LLM_CHAT_SERVICE, demoChat({ tokenDelayMs: 2 }), serveOptions(['demo-llm', 'tiny'], 1))
    slow.serve(LLM_CHAT_SERVICE, demoChat({ tokenDelayMs: 150 }), serveOptions(['slow']))
    // a model server that sends one token and then waits
    upstream = createServer((req, res) => {
      req.resume()
      res.on('close', () => { upstreamClosed.push(req.url ?? '') })
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'waiting' }, finish_reason: null }] })}\n\n`)
    })
    await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`
    bridge.serve(LLM_CHAT_SERVICE, openaiChat({ url, models: { hanging: 'hanging' } }), serveOptions(['hanging']))
    await node.waitForWorkers(LLM_CHAT_SERVICE, 4, { timeoutMs: 10_000 })
    await eventually(() => node.peers().filter(p => p.models.length > 0).length === 4, 10_000, 'models announced')
    gateway = await createGateway({ node, timeoutMs: 1_000 })
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  })

  afterAll(async () => {
    await gateway?.close()
    upstream?.closeAllConnections()
    upstream?.close()
    await mesh?.stop()
  })

  it('answers a chat completion and names the worker that answered', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'demo-llm', messages: messages('hello mesh'), max_tokens: 12 }).withResponse()
    expect(data.object).toBe('chat.completion')
    expect(data.model).toBe('demo-llm')
    expect(data.choices[0].message).toMatchObject({ role: 'assistant', content: expected('hello mesh', 12) })
    expect(data.choices[0].finish_reason).toBe('length')
    expect(data.usage?.completion_tokens).toBe(12)
    expect([w1.peerId, w2.peerId]).toContain(response.headers.get(PEER_HEADER))
  })

  it('streams a chat completion token by token, with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'demo-llm', messages: messages('stream it'), max_tokens: 15, stream: true, stream_options: { include_usage: true }
    })
    const deltas: string[] = []
    let finish: string | null = null
    let usage: OpenAI.CompletionUsage | null | undefined
    let first = true
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk')
      if (first) {
        expect(chunk.choices[0].delta.role).toBe('assistant')
        first = false
      }
      const content = chunk.choices[0]?.delta.content
      if (content != null && content !== '') deltas.push(content)
      finish = chunk.choices[0]?.finish_reason ?? finish
      usage = chunk.usage ?? usage
    }
    expect(deltas.join('')).toBe(expected('stream it', 15))
    expect(deltas).toHaveLength(15)
    expect(finish).toBe('length')
    expect(usage?.completion_tokens).toBe(15)
  })

  it('speaks OpenAI\'s event-stream format byte for byte', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'demo-llm', messages: messages('raw'), max_tokens: 3, stream: true })
    })
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await res.text()
    const events = text.split('\n\n')
    expect(events.pop()).toBe('')
    expect(events.at(-1)).toBe('data: [DONE]')
    const chunks = events.slice(0, -1).map(e => { expect(e.startsWith('data: ')).toBe(true); return JSON.parse(e.slice(6)) })
    expect(chunks).toHaveLength(5) // role, 3 tokens, finish
    expect(new Set(chunks.map(c => c.id)).size).toBe(1)
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'length' })
    expect(chunks.every(c => !('usage' in c))).toBe(true)
  })

  it('lists the models live in the mesh, and routes by model', async () => {
    const list = await client.models.list()
    const byId = Object.fromEntries(list.data.map(m => [m.id, (m as any).workers]))
    expect(byId).toEqual({ 'demo-llm': 2, tiny: 1, slow: 1, hanging: 1 })
    expect((await client.models.retrieve('tiny')).id).toBe('tiny')
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create({ model: 'tiny', messages: messages(`tiny ${i}`), max_tokens: 2 }).withResponse()
      expect(response.headers.get(PEER_HEADER)).toBe(w2.peerId)
    }
  })

  it('answers 503 in OpenAI\'s error shape for a model nobody serves', async () => {
    const err: any = await client.chat.completions.create({ model: 'gpt-nobody', messages: messages('hi') }).catch(e => e)
    expect(err).toBeInstanceOf(OpenAI.InternalServerError)
    expect(err.status).toBe(503)
    expect(err.error).toMatchObject({ type: 'server_error', code: 'no_workers' })
    expect(typeof err.error.message).toBe('string')
    const missing: any = await client.models.retrieve('gpt-nobody').catch(e => e)
    expect(missing.status).toBe(404)
    expect(missing.code).toBe('model_not_found')
  })

  it('answers 400 naming the field at fault, 404 for unknown paths, 413 for big bodies', async () => {
    const bad: any = await client.chat.completions.create({ model: 'demo-llm', messages: [] }).catch(e => e)
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError)
    expect(bad.error).toMatchObject({ type: 'invalid_request_error', param: 'messages' })
    const notJson = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body: '{' })
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).error.type).toBe('invalid_request_error')
    const unknown = await fetch(`${gateway.url}/v2/anything`)
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.code).toBe('unknown_url')
    const big = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'demo-llm', messages: messages('x'.repeat(2 * 1024 * 1024)) })
    })
    expect(big.status).toBe(413)
    expect((await big.json()).error.code).toBe('request_too_large')
  })

  it('answers 504 when no token comes before the deadline, and ends a stream with an error event when it passes later', async () => {
    const late = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'slow', messages: messages('x'), max_tokens: 1, temperature: 0 })
    })
    // the first token comes after 150 ms; the deadline is 1 s: this one makes it
    expect(late.status).toBe(200)
    const slowGateway = await createGateway({ node, timeoutMs: 100 })
    try {
      const timedOut: any = await new OpenAI({ baseURL: `${slowGateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
        .chat.completions.create({ model: 'slow', messages: messages('x'), max_tokens: 5 }).catch(e => e)
      expect(timedOut.status).toBe(504)
      expect(timedOut.error).toMatchObject({ type: 'server_error', code: 'timeout' })
    } finally {
      await slowGateway.close()
    }
    const stream = await client.chat.completions.create({ model: 'slow', messages: messages('x'), max_tokens: 50, stream: true })
    const got: string[] = []
    const err: any = await (async () => {
      for await (const chunk of stream) got.push(chunk.choices[0]?.delta.content ?? '')
    })().catch(e => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    expect(err.code).toBe('timeout')
    expect(got.join('').length).toBeGreaterThan(0)
  })

  it('moves an answer that stalls past the gateway\'s stall timeout', async () => {
    // one token every 150 ms against a 50 ms stall timeout, and no other worker of the model
    const impatient = await createGateway({ node, stallTimeoutMs: 50 })
    try {
      const err: any = await new OpenAI({ baseURL: `${impatient.url}/v1`, apiKey: 'x', maxRetries: 0 })
        .chat.completions.create({ model: 'slow', messages: messages('x'), max_tokens: 3 }).catch(e => e)
      expect(err.status).toBe(503)
      expect(err.error.message).toContain('stalled')
    } finally {
      await impatient.close()
    }
    // the default waits for a slow model
    const done = await client.chat.completions.create({ model: 'slow', messages: messages('x'), max_tokens: 3 })
    expect(done.choices[0].message.content).toBe(demoChatAnswer({ model: 'slow', messages: messages('x'), max_tokens: 3 }).join(''))
  })

  it('asks for the bearer token when one is set', async () => {
    const guarded = await createGateway({ node, token: 'sekret' })
    try {
      const wrong: any = await new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: 'nope', maxRetries: 0 }).models.list().catch(e => e)
      expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError)
      expect(wrong.code).toBe('invalid_api_key')
      const none = await fetch(`${guarded.url}/v1/models`)
      expect(none.status).toBe(401)
      const right = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: 'sekret', maxRetries: 0 })
      const done = await right.chat.completions.create({ model: 'demo-llm', messages: messages('with key'), max_tokens: 3 })
      expect(done.choices[0].message.content).toBe(expected('with key', 3))
    } finally {
      await guarded.close()
    }
  })

  it('sends a conversation\'s next turn to the worker holding it, and elsewhere when that one is full', async () => {
    const turn = async (history: Turn): Promise<{ peer: string, answer: string }> => {
      const { data, response } = await client.chat.completions.create({ model: 'demo-llm', messages: history, max_tokens: 4 }).withResponse()
      return { peer: response.headers.get(PEER_HEADER) ?? '', answer: data.choices[0].message.content ?? '' }
    }
    const histories = Array.from({ length: 4 }, (_, i) => messages(`conversation ${i}`))
    for (const history of histories) {
      const first = await turn(history)
      history.push({ role: 'assistant', content: first.answer }, { role: 'user', content: 'go on' })
      const second = await turn(history)
      expect(second.peer).toBe(first.peer)
      history.push({ role: 'assistant', content: second.answer }, { role: 'user', content: 'and then?' })
    }
    // fill the holder of the first conversation (it runs one task at a time) from another peer
    const history = histories[0]
    const holder = (await turn(history.slice(0, 1))).peer
    const other = holder === w1.peerId ? w2.peerId : w1.peerId
    const asker = mesh.nodes[0]
    const busy = asker.stream(LLM_CHAT_SERVICE, { model: 'demo-llm', messages: messages('keep busy'), max_tokens: 4000 }, { model: 'demo-llm', preferPeer: holder })
    const reading = (async () => { for await (const _ of busy) {} })().catch(() => {})
    await eventually(() => (node.peers().find(p => p.peerId === holder)?.load ?? 0) >= 1, 10_000, 'the gateway sees the holder busy')
    expect((await turn(history)).peer).toBe(other)
    busy.cancel()
    await reading
  })

  it('cancels the model server\'s HTTP request when the client goes away mid-answer', async () => {
    // no deadline in sight: only the client leaving can end this request
    const patient = await createGateway({ node })
    try {
      const controller = new AbortController()
      const stream = await new OpenAI({ baseURL: `${patient.url}/v1`, apiKey: 'x', maxRetries: 0 })
        .chat.completions.create({ model: 'hanging', messages: messages('x'), stream: true }, { signal: controller.signal })
      const seen: string[] = []
      for await (const chunk of stream) {
        seen.push(chunk.choices[0]?.delta.content ?? '')
        if (seen.includes('waiting')) controller.abort()
      }
      expect(seen).toContain('waiting')
      await eventually(() => upstreamClosed.length === 1, 10_000, 'the model server saw its request end')
    } finally {
      await patient.close()
    }
  })
})
