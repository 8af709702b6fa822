import { describe, expect, it } from 'vitest'
import { encodeUtf8 } from '../../src/wire/utf8.ts'

const reference = new TextEncoder()

describe('encodeUtf8', () => {
  it('encodes exactly as TextEncoder does, short or long, ASCII or not', () => {
    const texts = ['', 'a', ' token', 'x'.repeat(128), 'y'.repeat(129), 'café', 'tail é', '😀 emoji', '\ud800 lone surrogate', 'ascii then 日本語', '\u007f\u0080']
    for (let i = 0; i < 2_000; i++) {
      const length = i % 200
      texts.push(Array.from({ length }, (_, k) => String.fromCharCode((i * 7919 + k * 104729) % (i % 3 === 0 ? 0x80 : 0xffff))).join(''))
    }
    for (const text of texts) {
      expect([...encodeUtf8(text)]).toEqual([...reference.encode(text)])
    }
  })
})
