import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readEvents } from '../../node/handlers/sse.ts'
import type { ServerSentEvent } from '../../node/handlers/sse.ts'

const encoder = new TextEncoder()

async function * pieces (text: string, cuts: number[]): AsyncGenerator<Uint8Array> {
  const bytes = encoder.encode(text)
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const end = Math.min(cut, bytes.length)
    if (end > at) {
      yield bytes.subarray(at, end)
      at = end
    }
  }
  yield bytes.subarray(at)
}

async function collect (text: string, cuts: number[] = [], max?: number): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = []
  for await (const event of readEvents(pieces(text, cuts), { maxEventChars: max })) {
    out.push(event)
  }
  return out
}

describe('reading server-sent events', () => {
  it('reads data, event names, multi-line data and skips comments', async () => {
    const text = ': keep-alive\n\ndata: {"a":1}\n\nevent: error\ndata: one\ndata:two\n\ndata: [DONE]\n\n'
    expect(await collect(text)).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'error', data: 'one\ntwo' },
      { event: 'message', data: '[DONE]' }
    ])
  })

  it('reads the same events however the bytes are split, with any line ending', async () => {
    const events = fc.array(fc.string({ maxLength: 20 }).filter(s => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 8 })
    await fc.assert(fc.asyncProperty(events, fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat({ max: 400 }), { maxLength: 10 }), async (datas, eol, cuts) => {
      const text = datas.map(d => `data: ${d}${eol}${eol}`).join('')
      const read = await collect(text, cuts)
      expect(read.map(e => e.data)).toEqual(datas)
    }))
  })

  it('refuses an event longer than its bound with a ProtocolError', async () => {
    const err = await collect(`data: ${'x'.repeat(200)}\n\n`, [10, 50], 100).catch(e => e)
    expect(err.name).toBe('ProtocolError')
    const unended = await collect('x'.repeat(500), [100, 200, 300], 100).catch(e => e)
    expect(unended.name).toBe('ProtocolError')
  })
})
