import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { continueRequest, parseChatRequest } from '../../src/models/chat.ts'
import { demoChatAnswer, demoChatTokens } from '../../src/models/demo-chat.ts'
import type { ChatRequest } from '../../src/models/chat.ts'

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
    for (const bad of [null, {}, { model: 'm', messages: [] }, { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }]) {
      expect(() => parseChatRequest(bad)).toThrow(expect.objectContaining({ name: 'InvalidInputError' }))
    }
  })
})
