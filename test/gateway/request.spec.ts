import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCompletionRequest } from '../../node/gateway/request.ts'

const user = { role: 'user', content: 'hi' }

describe('checking a chat completion request', () => {
  it('turns an OpenAI request into an llm.chat input', () => {
    const parsed = parseCompletionRequest({
      model: 'm',
      messages: [{ role: 'developer', content: [{ type: 'text', text: 'be ' }, { type: 'text', text: 'brief' }] }, user],
      max_completion_tokens: 20,
      stop: 'END',
      temperature: 0.5,
      stream: true,
      stream_options: { include_usage: true },
      user: 'ignored',
      n: 1
    })
    expect(parsed).toEqual({
      chat: { model: 'm', messages: [{ role: 'developer', content: 'be brief' }, user], max_tokens: 20, stop: ['END'], temperature: 0.5 },
      stream: true,
      includeUsage: true
    })
  })

  it('names the field at fault', () => {
    const cases: Array<[unknown, string | null]> = [
      [[], null],
      [{ messages: [user] }, 'model'],
      [{ model: 'm' }, 'messages'],
      [{ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'm', messages: [user, { role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[1].content[0]'],
      [{ model: 'm', messages: [user], max_tokens: 0 }, 'max_tokens'],
      [{ model: 'm', messages: [user], temperature: 3 }, 'temperature'],
      [{ model: 'm', messages: [user], n: 2 }, 'n'],
      [{ model: 'm', messages: [user], tools: [] }, 'tools'],
      [{ model: 'm', messages: [user], stream: 'yes' }, 'stream'],
      [{ model: 'm', messages: [user], stream_options: { include_usage: true } }, 'stream_options'],
      [{ model: 'm', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop']
    ]
    for (const [body, param] of cases) {
      const err = (() => { try { parseCompletionRequest(body) } catch (e) { return e } })() as any
      expect(err?.name, JSON.stringify(body)).toBe('InvalidArgumentError')
      expect(err.param, JSON.stringify(body)).toBe(param)
    }
  })

  it('never fails with anything but InvalidArgumentError', () => {
    const message = fc.record({ role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool'), fc.anything()), content: fc.anything() }, { requiredKeys: [] })
    const body = fc.oneof(fc.anything(), fc.record({
      model: fc.oneof(fc.string(), fc.anything()),
      messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.anything()),
      max_tokens: fc.anything(),
      stream: fc.anything(),
      stop: fc.anything(),
      temperature: fc.anything()
    }, { requiredKeys: [] }))
    fc.assert(fc.property(body, (value) => {
      try {
        parseCompletionRequest(value)
      } catch (err: any) {
        expect(err.name).toBe('InvalidArgumentError')
      }
    }), { numRuns: 500 })
  })
})
