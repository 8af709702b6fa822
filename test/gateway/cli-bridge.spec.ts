import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PEER_HEADER } from '../../node/gateway/index.ts'
import { demoChatAnswer } from '../../src/models/demo-chat.ts'
import { modelLive, Processes } from './processes.ts'
import type { Proc } from './processes.ts'
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions'

const messages = (content: string): ChatCompletionMessageParam[] => [{ role: 'user', content }]
const expected = (content: string, maxTokens: number): string[] =>
  demoChatAnswer({ model: 'demo-llm', messages: messages(content) as any, max_tokens: maxTokens })

/**
 * Two meshes: the first, behind its own gateway, is the model server (a
 * real OpenAI-compatible HTTP API); in the second, `--handler openai`
 * workers bridge to it and a second gateway serves the app.
 */
describe('openai bridge workers behind a gateway', () => {
  const procs = new Processes()
  let bridges: Proc[]
  let client: OpenAI

  beforeAll(async () => {
    const upstreamRelay = await procs.relay()
    await procs.start('worker', ['--bootstrap', upstreamRelay.addr, '--service', 'llm.chat', '--handler', 'demo-llm', '--token-delay-ms', '40'])
    // a small body limit stands for a model server's own limits
    const modelServer = await procs.gateway(upstreamRelay.addr, ['--max-body-bytes', '4096'])
    await modelLive(modelServer.url, 'demo-llm', 1)

    const relay = await procs.relay()
    const bridge = async (): Promise<Proc> => procs.start('worker', [
      '--bootstrap', relay.addr, '--handler', 'openai', '--openai-url', `${modelServer.url}/v1`, '--model', 'pooled=demo-llm'
    ])
    bridges = await Promise.all([bridge(), bridge()])
    const gateway = await procs.gateway(relay.addr)
    await modelLive(gateway.url, 'pooled', 2)
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  })

  afterAll(async () => { await procs.stop() })

  it('lists the models the bridges announce', async () => {
    const models = await client.models.list()
    expect(models.data.map(m => [m.id, (m as any).workers])).toEqual([['pooled', 2]])
  })

  it('answers a chat completion through a bridge', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'pooled', messages: messages('bridge me'), max_tokens: 10 }).withResponse()
    expect(data.choices[0].message.content).toBe(expected('bridge me', 10).join(''))
    expect(data.model).toBe('pooled')
    expect(bridges.map(b => b.peerId)).toContain(response.headers.get(PEER_HEADER))
  })

  it('streams a chat completion through a bridge', async () => {
    const stream = await client.chat.completions.create({ model: 'pooled', messages: messages('stream across'), max_tokens: 12, stream: true })
    const deltas: string[] = []
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content
      if (content != null && content !== '') deltas.push(content)
    }
    expect(deltas).toEqual(expected('stream across', 12))
  })

  it('passes the model server\'s refusal of a request on as 400', async () => {
    // small enough for this gateway, too large for the model server
    const err: any = await client.chat.completions.create({ model: 'pooled', messages: messages('x'.repeat(8_000)), max_tokens: 5 }).catch(e => e)
    expect(err.status).toBe(400)
    expect(err.error).toMatchObject({ type: 'invalid_request_error' })
    expect(err.error.message).toContain('413')
  })

  it('completes the stream with the full text, no token twice, when the serving bridge is killed mid-answer', async () => {
    const maxTokens = 50
    const { data: stream, response } = await client.chat.completions.create({
      model: 'pooled', messages: messages('resume through the model server'), max_tokens: maxTokens, stream: true
    }).withResponse()
    const serving = bridges.find(b => b.peerId === response.headers.get(PEER_HEADER))
    expect(serving).toBeDefined()
    const deltas: string[] = []
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content
      if (content != null && content !== '') {
        deltas.push(content)
        if (deltas.length === 10) {
          serving!.child.kill('SIGKILL')
        }
      }
    }
    expect(serving!.child.signalCode ?? (await new Promise(resolve => serving!.child.once('exit', (_c, s) => { resolve(s) })))).toBe('SIGKILL')
    expect(deltas).toEqual(expected('resume through the model server', maxTokens))
  })
})
