import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PEER_HEADER } from '../../node/gateway/index.ts'
import { demoEmbedding } from '../../src/models/demo-embed.ts'
import { modelLive, Processes } from './processes.ts'
import { plainAnswer, startUpstream, toolAnswer, words } from './upstream.ts'
import type { Proc } from './processes.ts'
import type { Upstream } from './upstream.ts'
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions'

const weather: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city now',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  }
}

/** Six processes start at once here: on a busy machine that takes a while. */
const START_TIMEOUT_MS = 90_000

/** A streamed answer as the app sees it: text deltas, tool call pieces, the finish. */
async function read (stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>, onDelta?: (n: number) => void): Promise<{ text: string[], pieces: any[], finish: string | null }> {
  const out = { text: [] as string[], pieces: [] as any[], finish: null as string | null }
  for await (const chunk of stream) {
    const choice = chunk.choices[0]
    if (choice == null) continue
    if (choice.delta.content != null && choice.delta.content !== '') {
      out.text.push(choice.delta.content)
      onDelta?.(out.text.length)
    }
    out.pieces.push(...(choice.delta.tool_calls ?? []))
    out.finish = choice.finish_reason ?? out.finish
  }
  return out
}

/** Tool calls assembled from streamed pieces the way an app does: by index. */
function assemble (pieces: any[]): Array<{ id: string, name: string, arguments: string }> {
  const calls: Array<{ id: string, name: string, arguments: string }> = []
  for (const piece of pieces) {
    calls[piece.index] ??= { id: '', name: '', arguments: '' }
    const call = calls[piece.index]
    call.id += piece.id ?? ''
    call.name += piece.function?.name ?? ''
    call.arguments += piece.function?.arguments ?? ''
  }
  return calls
}

/**
 * The openai client through a gateway to `--handler openai` workers, each
 * in front of its own OpenAI-compatible model server run here: three take
 * tools and serve embeddings, a fourth serves a model without tools.
 */
describe('an assistant through the gateway: tools, options, embeddings, failover', () => {
  const procs = new Processes()
  let upstreams: Upstream[]
  let workers: Proc[]
  let client: OpenAI
  const question: ChatCompletionMessageParam = { role: 'user', content: 'Oslo' }

  const sent = (): number => upstreams.reduce((n, u) => n + u.chats.length + u.embeds.length, 0)
  const serving = (peerId: string | null): { worker: Proc, upstream: Upstream } => {
    const i = workers.findIndex(w => w.peerId === peerId)
    expect(i).toBeGreaterThanOrEqual(0)
    return { worker: workers[i], upstream: upstreams[i] }
  }

  beforeAll(async () => {
    upstreams = await Promise.all([0, 1, 2, 3].map(async () => startUpstream({ pieceDelayMs: 40, embedDelayMs: 100 })))
    const relay = await procs.relay()
    const bridge = async (upstream: Upstream, args: string[]): Promise<Proc> =>
      procs.start('worker', ['--bootstrap', relay.addr, '--handler', 'openai', '--openai-url', upstream.url, ...args], undefined, START_TIMEOUT_MS)
    const [gateway, ...started] = await Promise.all([
      procs.gateway(relay.addr, ['--max-embedding-inputs', '1000', '--timeout', '30000'], START_TIMEOUT_MS),
      ...upstreams.slice(0, 3).map(async u => bridge(u, ['--model', 'chat=up-chat', '--tools', '--embedding-model', 'emb=up-emb'])),
      // serves chat too, without tools: a second place for a tool-free turn to resume
      bridge(upstreams[3], ['--model', 'plain=up-plain', '--model', 'chat=up-chat'])
    ])
    workers = started
    await Promise.all([modelLive(gateway.url, 'chat', 4), modelLive(gateway.url, 'emb', 3), modelLive(gateway.url, 'plain', 1)])
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  }, 2 * START_TIMEOUT_MS)

  afterAll(async () => {
    await procs.stop()
    await Promise.all(upstreams?.map(async u => u.close()) ?? [])
  })

  it('lists chat models, which take tools, and embedding models', async () => {
    const { data } = await client.models.list()
    expect(data.map(m => [m.id, (m as any).workers, (m as any).tools ?? false])).toEqual([['chat', 4, true], ['emb', 3, false], ['plain', 1, false]])
  })

  it('returns a tool call whole, then answers from the tool result sent back', async () => {
    const first = await client.chat.completions.create({ model: 'chat', messages: [question], tools: [weather], tool_choice: 'auto' })
    const choice = first.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    expect(choice.message.tool_calls).toHaveLength(1)
    const call = choice.message.tool_calls![0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } })
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Oslo' })
    expect(upstreams.flatMap(u => u.callIds)).toContain(call.id)

    const { data, response } = await client.chat.completions.create({
      model: 'chat',
      tools: [weather],
      messages: [question, choice.message, { role: 'tool', tool_call_id: call.id, content: '12 degrees and rain' }]
    }).withResponse()
    expect(data.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: toolAnswer('12 degrees and rain') } })
    // the upstream got the call and its result, in OpenAI's shapes
    const body = serving(response.headers.get(PEER_HEADER)).upstream.chats.at(-1)
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: call.function.arguments } }] },
      { role: 'tool', content: '12 degrees and rain', tool_call_id: call.id }
    ])
    expect(body.tools).toEqual([weather])
  })

  it('streams a tool call in OpenAI\'s pieces, assembled exactly once', async () => {
    const stream = await client.chat.completions.create({ model: 'chat', messages: [question], tools: [weather], stream: true, parallel_tool_calls: false })
    const { text, pieces, finish } = await read(stream)
    expect(text).toEqual([])
    expect(finish).toBe('tool_calls')
    expect(pieces.filter(p => p.id != null)).toHaveLength(1)
    expect(pieces.every(p => p.index === 0)).toBe(true)
    const [call, ...more] = assemble(pieces)
    expect(more).toEqual([])
    expect(call.name).toBe('get_weather')
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Oslo' })
  })

  it('runs the openai client\'s own tool loop (runTools, streamed) to the answer', async () => {
    const runner = client.chat.completions.runTools({
      model: 'chat',
      stream: true,
      messages: [question],
      tools: [{ type: 'function', function: { ...weather.function, function: (args: { city: string }) => `rain in ${args.city}`, parse: JSON.parse } } as any]
    })
    expect(await runner.finalContent()).toBe(toolAnswer('rain in Oslo'))
  })

  it('passes sampling and format options to the model server', async () => {
    const options = {
      temperature: 0.3,
      top_p: 0.9,
      stop: ['zzz'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      response_format: { type: 'json_schema' as const, json_schema: { name: 'reply', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
      user: 'user-7'
    }
    const { data, response } = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 3, ...options }).withResponse()
    expect(data.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: words(plainAnswer('hi')).slice(0, 3).join('') } })
    expect(serving(response.headers.get(PEER_HEADER)).upstream.chats.at(-1)).toMatchObject({ ...options, max_tokens: 3, model: 'up-chat', stream: true })
  })

  it('sends a request with tools only to workers whose model takes them', async () => {
    const before = sent()
    const err: any = await client.chat.completions.create({ model: 'plain', messages: [question], tools: [weather] }).catch(e => e)
    expect(err.status).toBe(400)
    expect(err.error).toMatchObject({ type: 'invalid_request_error', param: 'tools' })
    const plain = await client.chat.completions.create({ model: 'plain', messages: [{ role: 'user', content: 'hi' }] })
    expect(plain.choices[0].message.content).toBe(plainAnswer('hi'))
    expect(sent()).toBe(before + 1)
  })

  it('embeds a 1,000-text batch spread over the three workers, in input order', async () => {
    const input = Array.from({ length: 1000 }, (_, i) => `text number ${i}`)
    const before = upstreams.map(u => u.embeds.reduce((n, b) => n + b.input.length, 0))
    const floats = await client.embeddings.create({ model: 'emb', input, dimensions: 8, encoding_format: 'float' })
    expect(floats.data.map(d => d.index)).toEqual(input.map((_, i) => i))
    expect(floats.data.map(d => d.embedding)).toEqual(input.map(t => demoEmbedding(t, 8)))
    expect(floats.usage).toEqual({ prompt_tokens: 1000, total_tokens: 1000 })
    const served = upstreams.slice(0, 3).map((u, i) => u.embeds.reduce((n, b) => n + b.input.length, 0) - before[i])
    expect(served.reduce((a, b) => a + b)).toBe(1000)
    expect(served.every(n => n > 0)).toBe(true)
    expect(upstreams.flatMap(u => u.embeds).every(b => b.dimensions === 8 && b.encoding_format === 'float' && b.model === 'up-emb')).toBe(true)

    // the client's default: base64 on the wire, decoded to float32s
    const one = await client.embeddings.create({ model: 'emb', input: 'just one' })
    expect(one.data).toHaveLength(1)
    expect(Array.from(one.data[0].embedding)).toEqual(demoEmbedding('just one', 8).map(Math.fround))
  })

  it('refuses bad input with 400 in OpenAI\'s shape and sends nothing on', async () => {
    const before = sent()
    const refused = async (request: Promise<unknown>, param: string): Promise<void> => {
      const err: any = await request.catch(e => e)
      expect(err.status, param).toBe(400)
      expect(err.error, param).toMatchObject({ type: 'invalid_request_error', param })
      expect(typeof err.error.message).toBe('string')
    }
    await refused(client.chat.completions.create({ model: 'chat', messages: [question], tools: [{ type: 'function', function: { name: 'no spaces allowed' } }] }), 'tools[0].function.name')
    await refused(client.chat.completions.create({ model: 'chat', messages: [question], tools: [{ type: 'function' } as any] }), 'tools[0]')
    await refused(client.chat.completions.create({
      model: 'chat', tools: [weather], messages: [question, { role: 'tool', tool_call_id: 'call_nobody_made', content: 'sunny' }]
    }), 'messages[1].tool_call_id')
    await refused(client.embeddings.create({ model: 'emb', input: Array.from({ length: 1001 }, (_, i) => `t${i}`) }), 'input')
    expect(sent()).toBe(before)
    const unknown: any = await client.embeddings.create({ model: 'nobody-has-it', input: 'x' }).catch(e => e)
    expect(unknown.status).toBe(503)
    expect(unknown.error).toMatchObject({ type: 'server_error', code: 'no_workers' })
  })

  it('embeds a batch in order when a worker is killed holding a part of it', async () => {
    const input = Array.from({ length: 300 }, (_, i) => `passage ${i}`)
    let victim = -1
    const offs = upstreams.slice(0, 3).map((upstream, i) => {
      const onEmbed = (): void => {
        if (victim < 0) {
          victim = i
          workers[i].child.kill('SIGKILL')
        }
      }
      upstream.progress.on('embed', onEmbed)
      return () => upstream.progress.off('embed', onEmbed)
    })
    // the first worker to pass a part to its model server dies with it in hand
    const reply = await client.embeddings.create({ model: 'emb', input, dimensions: 8, encoding_format: 'float' })
    offs.forEach(off => { off() })
    expect(victim).toBeGreaterThanOrEqual(0)
    expect(workers[victim].child.signalCode ?? await new Promise(resolve => workers[victim].child.once('exit', (_c, s) => { resolve(s) }))).toBe('SIGKILL')
    expect(reply.data.map(d => d.embedding)).toEqual(input.map(t => demoEmbedding(t, 8)))
  })

  it('finishes a streamed tool call on another worker when its worker is killed mid-call: one call, whole', async () => {
    // nothing of a tool call reaches the app before it is whole, so the
    // worker to kill is the one whose model server is writing the call
    let victim: { worker: Proc, upstream: Upstream } | undefined
    const listeners: Array<() => void> = []
    const killed = new Promise<void>(resolve => {
      upstreams.slice(0, 3).forEach((upstream, i) => {
        const onPiece = (kind: string, n: number): void => {
          if (kind === 'tool' && n === 3 && victim == null) {
            victim = { worker: workers[i], upstream }
            workers[i].child.kill('SIGKILL')
            resolve()
          }
        }
        upstream.progress.on('piece', onPiece)
        listeners.push(() => upstream.progress.off('piece', onPiece))
      })
    })
    const stream = await client.chat.completions.create({ model: 'chat', messages: [question], tools: [weather], stream: true })
    listeners.forEach(off => { off() })
    const { worker, upstream } = victim!
    const ids = upstream.callIds.length
    await killed
    const { text, pieces, finish } = await read(stream)
    expect(worker.child.signalCode ?? await new Promise(resolve => worker.child.once('exit', (_c, s) => { resolve(s) }))).toBe('SIGKILL')
    expect(upstream.callIds.length).toBe(ids)
    expect(text).toEqual([])
    expect(finish).toBe('tool_calls')
    const calls = assemble(pieces)
    expect(calls).toHaveLength(1)
    expect(JSON.parse(calls[0].arguments)).toEqual({ city: 'Oslo' })
    // the call the app got is the one the second worker's model made, not the first's half
    expect(upstream.callIds).not.toContain(calls[0].id)
    expect(upstreams.flatMap(u => u.callIds)).toContain(calls[0].id)
  })

  it('finishes a streamed answer on another worker when its worker is killed mid-answer: every token once', async () => {
    const messages: ChatCompletionMessageParam[] = [
      question,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }
    ]
    // no tools offered on this turn: any worker of the model may take it over
    const { data: stream, response } = await client.chat.completions.create({ model: 'chat', messages, stream: true }).withResponse()
    const { worker } = serving(response.headers.get(PEER_HEADER))
    const { text, pieces, finish } = await read(stream, (n) => { if (n === 4) worker.child.kill('SIGKILL') })
    expect(worker.child.signalCode ?? await new Promise(resolve => worker.child.once('exit', (_c, s) => { resolve(s) }))).toBe('SIGKILL')
    expect(pieces).toEqual([])
    expect(finish).toBe('stop')
    expect(text).toEqual(words(toolAnswer('sunny')))
  })
})
