import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PEER_HEADER } from '../../node/gateway/index.ts'
import { parseCompletionRequest } from '../../node/gateway/request.ts'
import { demoChatAnswer, demoToolCall } from '../../src/models/demo-chat.ts'
import { demoEmbedding } from '../../src/models/demo-embed.ts'
import { modelLive, Processes } from './processes.ts'
import type { Proc } from './processes.ts'
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions'

const messages = (content: string): ChatCompletionMessageParam[] => [{ role: 'system', content: 'You are terse.' }, { role: 'user', content }]
const expected = (content: string, maxTokens: number): string[] =>
  demoChatAnswer({ model: 'demo-llm', messages: messages(content) as any, max_tokens: maxTokens })

describe('gateways and demo workers as separate processes', () => {
  const procs = new Processes()
  let workers: Proc[]
  let gateways: Array<Proc & { url: string }>
  let clients: OpenAI[]

  beforeAll(async () => {
    const relay = await procs.relay()
    const worker = async (): Promise<Proc> => procs.start('worker', ['--bootstrap', relay.addr, '--service', 'llm.chat', '--service', 'llm.embed', '--handler', 'demo-llm', '--token-delay-ms', '40'])
    workers = await Promise.all([worker(), worker()])
    gateways = await Promise.all([procs.gateway(relay.addr), procs.gateway(relay.addr)])
    clients = gateways.map(g => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'unused', maxRetries: 0 }))
    await Promise.all(gateways.map(async g => { await modelLive(g.url, 'demo-llm', 2) }))
  })

  afterAll(async () => { await procs.stop() })

  it('offline, the demo model calls a tool, answers from its result, and the demo embedding model embeds', async () => {
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } } } }
    }]
    const asked = messages('find mesh papers')
    const first = await clients[0].chat.completions.create({ model: 'demo-llm', messages: asked, tools })
    const call = first.choices[0].message.tool_calls?.[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall
    expect(first.choices[0].finish_reason).toBe('tool_calls')
    expect(call.function.name).toBe('lookup')
    expect(JSON.parse(call.function.arguments)).toEqual({ query: 'find mesh papers', limit: 3 })
    expect(call).toEqual(demoToolCall({ model: 'demo-llm', messages: asked as any, tools: tools as any }))
    const history: ChatCompletionMessageParam[] = [...asked, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'three papers' }]
    const second = await clients[1].chat.completions.create({ model: 'demo-llm', messages: history, tools, max_tokens: 6 })
    // the model sees the call as the gateway passed it on: no content, the call
    const seen = parseCompletionRequest({ model: 'demo-llm', messages: history, max_tokens: 6 }).chat
    expect(seen.messages[2]).toEqual({ role: 'assistant', content: '', tool_calls: [call] })
    expect(second.choices[0].message.content).toBe(demoChatAnswer(seen).join(''))
    expect(second.choices[0].message.content).toMatch(/^The tool says three papers\. \S/)

    const { data } = await clients[0].embeddings.create({ model: 'demo-embed', input: ['a mesh of peers', 'peers in a mesh'], encoding_format: 'float' })
    expect(data.map(d => d.embedding)).toEqual([demoEmbedding('a mesh of peers'), demoEmbedding('peers in a mesh')])
  })

  it('answers a chat completion through the gateway', async () => {
    const { data, response } = await clients[0].chat.completions.create({ model: 'demo-llm', messages: messages('what is a mesh?'), max_tokens: 10 }).withResponse()
    expect(data.choices[0].message.content).toBe(expected('what is a mesh?', 10).join(''))
    expect(workers.map(w => w.peerId)).toContain(response.headers.get(PEER_HEADER))
  })

  it('streams a chat completion through the gateway', async () => {
    const stream = await clients[0].chat.completions.create({ model: 'demo-llm', messages: messages('stream please'), max_tokens: 12, stream: true })
    const deltas: string[] = []
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content
      if (content != null && content !== '') deltas.push(content)
    }
    expect(deltas).toEqual(expected('stream please', 12))
  })

  it('serves the same mesh from two gateways on different peers', async () => {
    expect(gateways[0].peerId).not.toBe(gateways[1].peerId)
    for (const client of clients) {
      const models = await client.models.list()
      expect(models.data.map(m => [m.id, (m as any).workers])).toEqual([['demo-embed', 2], ['demo-llm', 2]])
    }
    const answers = await Promise.all(clients.map(async client => client.chat.completions.create({ model: 'demo-llm', messages: messages('both'), max_tokens: 6 }).withResponse()))
    for (const { data, response } of answers) {
      expect(data.choices[0].message.content).toBe(expected('both', 6).join(''))
      expect(workers.map(w => w.peerId)).toContain(response.headers.get(PEER_HEADER))
    }
  })

  it('answers 503 in OpenAI\'s error shape for a model nobody serves', async () => {
    const err: any = await clients[1].chat.completions.create({ model: 'llama-none', messages: messages('hi') }).catch(e => e)
    expect(err.status).toBe(503)
    expect(err.error).toMatchObject({ type: 'server_error', param: null, code: 'no_workers' })
  })

  it('completes the stream with the full text, no token twice, when the serving worker is killed mid-answer', async () => {
    const maxTokens = 60
    const { data: stream, response } = await clients[1].chat.completions.create({
      model: 'demo-llm', messages: messages('survive a crash'), max_tokens: maxTokens, stream: true
    }).withResponse()
    const serving = workers.find(w => w.peerId === response.headers.get(PEER_HEADER))
    expect(serving).toBeDefined()
    const deltas: string[] = []
    let finish: string | null = null
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content
      if (content != null && content !== '') {
        deltas.push(content)
        if (deltas.length === 8) {
          serving!.child.kill('SIGKILL')
        }
      }
      finish = chunk.choices[0]?.finish_reason ?? finish
    }
    expect(serving!.child.signalCode ?? (await new Promise(resolve => serving!.child.once('exit', (_c, s) => { resolve(s) })))).toBe('SIGKILL')
    expect(deltas).toEqual(expected('survive a crash', maxTokens))
    expect(finish).toBe('length')
  })
})
