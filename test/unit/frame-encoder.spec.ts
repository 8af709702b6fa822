/**
 * The hand-written frame encoder against the generated protobuf codec of
 * frames.proto: the same bytes for every frame, and frames that decode to
 * what was encoded.
 */
import fc from 'fast-check'
import { writer } from 'protons-runtime'
import { describe, expect, it } from 'vitest'
import { encodeFrame, FrameDecoder, KIND_CHUNK, KIND_TASK } from '../../src/wire/frame.ts'
import { Frame } from '../../src/wire/generated/frames.js'
import type { FrameInit } from '../../src/wire/frame.ts'

function protonsFrame (frame: FrameInit): Uint8Array {
  const w = writer()
  Frame.codec().encode(frame as Frame, w)
  return w.finish()
}

const uint32 = fc.oneof(fc.constant(0), fc.nat({ max: 200 }), fc.nat(), fc.integer({ min: 0, max: 2 ** 32 - 1 }))
// well-formed text, ASCII and not (the generated codec writes lone surrogates its own way)
const text = (maxLength: number): fc.Arbitrary<string> => fc.oneof(fc.string({ maxLength }), fc.string({ maxLength, unit: 'grapheme' }))
const chunk = fc.record({ data: fc.uint8Array({ maxLength: 300 }), codec: fc.oneof(fc.constant(0), uint32) })

const frameInit: fc.Arbitrary<FrameInit> = fc.record({
  kind: fc.integer({ min: 0, max: 12 }),
  task: text(40),
  attempt: uint32,
  service: text(200),
  payload: fc.uint8Array({ maxLength: 3_000 }),
  codec: uint32,
  seq: uint32,
  prior: fc.array(chunk, { maxLength: 4 }),
  credit: uint32,
  timeoutMs: uint32,
  flags: uint32,
  code: text(20),
  message: text(300),
  load: uint32,
  capacity: uint32,
  time: fc.oneof(fc.constant(0), fc.double()),
  token: fc.uint8Array({ maxLength: 200 }),
  more: fc.array(chunk, { maxLength: 4 }),
  traceparent: text(60)
}, { requiredKeys: ['kind'] })

describe('frame encoder', () => {
  it('writes the bytes the generated codec of frames.proto writes', () => {
    fc.assert(fc.property(frameInit, (frame) => {
      expect(encodeFrame(frame)).toEqual(protonsFrame(frame))
    }), { numRuns: 500 })
  })

  it('writes frames that decode to what was encoded', () => {
    fc.assert(fc.property(frameInit, (frame) => {
      const [decoded] = new FrameDecoder({ maxFrameBytes: 1024 * 1024 }).push(encodeFrame(frame))
      const expected = Frame.decode(protonsFrame(frame).subarray(varintLength(protonsFrame(frame))))
      expect(decoded).toEqual(expected)
      expect(decoded.task).toBe(frame.task ?? '')
      expect(decoded.payload).toEqual(frame.payload ?? new Uint8Array(0))
      expect(decoded.more.map(c => c.data)).toEqual((frame.more ?? []).map(c => c.data))
    }), { numRuns: 300 })
  })

  it('encodes the hot frames (a task, a chunk) as the codec does', () => {
    const task: FrameInit = { kind: KIND_TASK, task: 'a1b2c3d4e5f6-17', attempt: 1, service: 'bench-echo', payload: new Uint8Array(256).fill(7), codec: 1, credit: 0, timeoutMs: 30_000 }
    const chunkFrame: FrameInit = { kind: KIND_CHUNK, task: 'a1b2c3d4e5f6-17', attempt: 1, seq: 3, payload: new Uint8Array([104, 105]), codec: 2, more: [{ data: new Uint8Array([33]), codec: 2 }], load: 4 }
    expect(encodeFrame(task)).toEqual(protonsFrame(task))
    expect(encodeFrame(chunkFrame)).toEqual(protonsFrame(chunkFrame))
  })
})

function varintLength (bytes: Uint8Array): number {
  let i = 0
  while ((bytes[i] & 0x80) !== 0) {
    i++
  }
  return i + 1
}
