import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { continueRequest, parseChatRequest } from '../../src/models/chat.ts'
import { demoChat, demoChatAnswer, demoChatTokens, demoToolCall } from '../../src/models/demo-chat.ts'
import { demoEmbed, demoEmbedding } from '../../src/models/demo-embed.ts'
import type { ChatRequest } from '../../src/models/chat.ts'
import type { EmbedReply } from '../../src/models/embed.ts'
import type { Tool } from '../../src/models/tools.ts'
import type { HandlerContext } from '../../src/types.ts'

const tools: Tool[] = [
  { type: 'function', function: { name: 'search', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'number' }, exact: { type: 'boolean' }, lang: { enum: ['en', 'de'] } } } } },
  { type: 'function', function: { name: 'clock' } }
]
const context = (chunks: unknown[] = []): HandlerContext =>
  ({ signal: new AbortController().signal, taskId: 't', attempt: chunks.length > 0 ? 2 : 1, service: 'llm.chat', requester: 'p', resume: { chunks } })

const request = (content: string, maxTokens: number, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'demo-llm',
  messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content }],
  max_tokens: maxTokens,
  ...extra
})

describe('the demo model as llm.chat', () => {
  it('answers with max_tokens tokens that depend on the conversation', () => {
    const a = demoChatAnswer(request('tell me about meshes', 30))
    const b = demoChatAnswer(request('what is a relay?', 30))
    expect(a).toHaveLength(30)
    expect(a.join('')).not.toBe(b.join(''))
    expect(a.slice(1).every(t => t.startsWith(' '))).toBe(true)
  })

  it('continues after the tokens already sent exactly as the whole answer goes on', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (prompt, max, cut) => {
      const whole = demoChatAnswer(request(prompt, max))
      const k = cut % (max + 1)
      expect([...demoChatTokens(request(prompt, max), whole.slice(0, k))]).toEqual(whole.slice(k))
    }))
  })

  it('continues a trailing assistant message (what a bridge resumes through) as the whole answer goes on', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (prompt, max, cut) => {
      const whole = demoChatAnswer(request(prompt, max))
      const k = cut % (max + 1)
      const rest = continueRequest(request(prompt, max), whole.slice(0, k))
      if (k === max) {
        expect(rest).toBeUndefined()
      } else {
        expect(rest?.max_tokens).toBe(max - k)
        expect(demoChatAnswer(rest!)).toEqual(whole.slice(k))
      }
    }))
  })

  it('ends the answer just before the first stop sequence, showing no part of it', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), fc.nat(), fc.integer({ min: 1, max: 12 }), fc.nat(), (prompt, from, length, cut) => {
      const whole = demoChatAnswer(request(prompt, 30)).join('')
      const start = from % whole.length
      const stop = whole.slice(start, start + length)
      const tokens = demoChatAnswer(request(prompt, 30, { stop: [stop, 'never-said'] }))
      expect(tokens.join('')).toBe(whole.slice(0, whole.indexOf(stop)))
      // and a resumed attempt agrees with it
      const k = cut % (tokens.length + 1)
      const resumed = [...tokens.slice(0, k), ...demoChatTokens(request(prompt, 30, { stop: [stop, 'never-said'] }), tokens.slice(0, k))]
      expect(resumed.join('')).toBe(tokens.join(''))
    }))
  })

  it('refuses malformed input with InvalidInputError and nothing else', () => {
    fc.assert(fc.property(fc.anything(), (input) => {
      try {
        parseChatRequest(input)
      } catch (err: any) {
        expect(err.name).toBe('InvalidInputError')
      }
    }))
    for (const bad of [null, {}, { model: 'm', messages: [] }, { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
      { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] }]) {
      expect(() => parseChatRequest(bad)).toThrow(expect.objectContaining({ name: 'InvalidInputError' }))
    }
  })

  it('calls a tool, deterministically, with arguments from the user\'s message', () => {
    const asked = request('weather in two towns', 10, { tools })
    const call = demoToolCall(asked)
    expect(call).toEqual(demoToolCall(asked))
    expect(call?.function.name).toBe('search')
    expect(JSON.parse(call!.function.arguments)).toEqual({ q: 'weather in two towns', n: 4, exact: true, lang: 'en' })
    expect(demoToolCall(request('x', 10, { tools, tool_choice: { type: 'function', function: { name: 'clock' } } }))?.function).toEqual({ name: 'clock', arguments: '{}' })
    expect(demoToolCall(request('x', 10, { tools, tool_choice: 'none' }))).toBeUndefined()
    expect(demoToolCall(request('x', 10))).toBeUndefined()
    const answered = { ...asked, messages: [...asked.messages, { role: 'assistant' as const, content: '', tool_calls: [call!] }, { role: 'tool' as const, content: 'sunny', tool_call_id: call!.id }] }
    expect(demoToolCall(answered)).toBeUndefined()
    expect(demoChatAnswer(answered).join('')).toMatch(/^The tool says sunny\. \S/)
  })

  it('continues an answer to a tool result, cut anywhere, as the whole answer goes on', () => {
    const call = { id: 'call_1', type: 'function' as const, function: { name: 'search', arguments: '{}' } }
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.integer({ min: 1, max: 30 }), fc.nat(), (result, max, cut) => {
      const answered = request('x', max, { tools, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', content: result, tool_call_id: 'call_1' }] })
      const whole = demoChatAnswer(answered)
      const k = cut % (max + 1)
      expect([...demoChatTokens(answered, whole.slice(0, k))]).toEqual(whole.slice(k))
      const rest = continueRequest(answered, whole.slice(0, k))
      if (rest != null) expect(demoChatAnswer(rest)).toEqual(whole.slice(k))
    }))
  })

  it('sends its tool call as one last chunk, and a resumed attempt that has it sends nothing more', async () => {
    const handler = demoChat({ tokenDelayMs: 0 })
    const collect = async (chunks: unknown[]): Promise<unknown[]> => {
      const out: unknown[] = []
      for await (const c of handler(request('x', 5, { tools }), context(chunks)) as AsyncIterable<unknown>) out.push(c)
      return out
    }
    const call = demoToolCall(request('x', 5, { tools }))
    expect(await collect([])).toEqual([{ tool_calls: [call] }])
    expect(await collect([{ tool_calls: [call] }])).toEqual([])
  })
})

describe('the demo embedding model', () => {
  const cosine = (a: number[], b: number[]): number => a.reduce((sum, x, i) => sum + x * b[i], 0)

  it('gives each text one unit vector, the same on every call, sized by dimensions', async () => {
    const reply = await (demoEmbed()({ model: 'demo-embed', input: ['a mesh of peers', 'peers in a mesh', 'rain tomorrow'], dimensions: 32 }, context()) as Promise<EmbedReply>)
    expect(reply.embeddings.map(v => v.length)).toEqual([32, 32, 32])
    for (const v of reply.embeddings) expect(Math.hypot(...v)).toBeCloseTo(1, 9)
    expect(reply.embeddings[0]).toEqual(demoEmbedding('a mesh of peers', 32))
    expect(cosine(reply.embeddings[0], reply.embeddings[1])).toBeGreaterThan(cosine(reply.embeddings[0], reply.embeddings[2]))
  })

  it('refuses malformed input with InvalidInputError', () => {
    for (const bad of [{}, { model: 'm', input: [] }, { model: 'm', input: [''] }, { model: 'm', input: [[1, 2]] }, { model: 'm', input: 'x', dimensions: 0 }]) {
      expect(() => demoEmbed()(bad as any, context())).toThrow(expect.objectContaining({ name: 'InvalidInputError' }))
    }
  })
})
