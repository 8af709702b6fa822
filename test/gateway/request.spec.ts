import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCompletionRequest } from '../../node/gateway/request.ts'

const user = { role: 'user', content: 'hi' }
const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }
const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"q":"hi"}' } }

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
      user: 'user-1',
      n: 1
    })
    expect(parsed).toEqual({
      chat: { model: 'm', messages: [{ role: 'developer', content: 'be brief' }, user], max_tokens: 20, stop: ['END'], temperature: 0.5, user: 'user-1' },
      stream: true,
      includeUsage: true
    })
  })

  it('passes tools, tool calls, tool results and format options on', () => {
    const options = {
      tools: [tool],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      seed: 7,
      top_p: 0.5,
      presence_penalty: 1,
      frequency_penalty: -1
    }
    const parsed = parseCompletionRequest({
      model: 'm',
      messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', content: '42', tool_call_id: 'call_1' }],
      ...options
    })
    expect(parsed.chat).toEqual({
      model: 'm',
      messages: [user, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'tool', content: '42', tool_call_id: 'call_1' }],
      ...options
    })
  })

  it('names the field at fault', () => {
    const cases: Array<[unknown, string | null]> = [
      [[], null],
      [{ messages: [user] }, 'model'],
      [{ model: 'm' }, 'messages'],
      [{ model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'm', messages: [{ role: 'tool', content: 'x', tool_call_id: 'call_1' }] }, 'messages[0].tool_call_id'],
      [{ model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', content: '1', tool_call_id: 'call_2' }] }, 'messages[2].tool_call_id'],
      [{ model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [{ ...call, function: { name: 'f' } }] }] }, 'messages[1].tool_calls[0].function.arguments'],
      [{ model: 'm', messages: [{ role: 'user', content: 'x', tool_calls: [call] }] }, 'messages[0].tool_calls'],
      [{ model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'has space' } }] }, 'tools[0].function.name'],
      [{ model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] }, 'tools[0].function.parameters'],
      [{ model: 'm', messages: [user], tools: [{ type: 'retrieval' }] }, 'tools[0]'],
      [{ model: 'm', messages: [user], tools: [tool], tool_choice: { type: 'function', function: { name: 'g' } } }, 'tool_choice'],
      [{ model: 'm', messages: [user], tool_choice: 'required' }, 'tool_choice'],
      [{ model: 'm', messages: [user], response_format: { type: 'json_schema' } }, 'response_format'],
      [{ model: 'm', messages: [user], max_completion_tokens: 0 }, 'max_completion_tokens'],
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
    const message = fc.record({
      role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool'), fc.anything()),
      content: fc.anything(),
      tool_calls: fc.oneof(fc.constant([call]), fc.anything()),
      tool_call_id: fc.oneof(fc.constant('call_1'), fc.anything())
    }, { requiredKeys: [] })
    const body = fc.oneof(fc.anything(), fc.record({
      model: fc.oneof(fc.string(), fc.anything()),
      messages: fc.oneof(fc.array(message, { maxLength: 4 }), fc.anything()),
      max_tokens: fc.anything(),
      stream: fc.anything(),
      stop: fc.anything(),
      temperature: fc.anything(),
      tools: fc.oneof(fc.constant([tool]), fc.array(fc.record({ type: fc.anything(), function: fc.anything() }, { requiredKeys: [] }), { maxLength: 2 }), fc.anything()),
      tool_choice: fc.anything(),
      response_format: fc.anything()
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
