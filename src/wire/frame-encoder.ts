/**
 * The encoder of task-channel frames, written out by hand for the hot path:
 * it measures the frame, allocates its bytes once (length prefix included)
 * and writes the fields in field-number order, where the generated protons
 * codec builds a list of write operations and a buffer per level. The bytes
 * are the protobuf encoding of `Frame` in frames.proto (the spec) with its
 * varint length in front, the same bytes the generated codec writes for
 * well-formed text (test/unit/frame-encoder.spec.ts holds the two to that).
 */
import type { FrameInit } from './frame.ts'

const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)
/** Scratch for doubles (the PING/PONG clock), little-endian as protobuf has them */
const floatBytes = new Uint8Array(8)
const floatView = new DataView(floatBytes.buffer)

/** Field tags: (field number << 3) | wire type (0 varint, 1 64-bit, 2 length-delimited). */
const TAG_KIND = 8
const TAG_TASK = 18
const TAG_ATTEMPT = 24
const TAG_SERVICE = 34
const TAG_PAYLOAD = 42
const TAG_CODEC = 48
const TAG_SEQ = 56
const TAG_PRIOR = 66
const TAG_CREDIT = 72
const TAG_TIMEOUT = 80
const TAG_FLAGS = 88
const TAG_CODE = 98
const TAG_MESSAGE = 106
const TAG_LOAD = 112
const TAG_CAPACITY = 120
const TAG_TIME = 129
const TAG_TOKEN = 138
const TAG_MORE = 146
const TAG_TRACEPARENT = 154
const TAG_PAYLOAD_DATA = 10
const TAG_PAYLOAD_CODEC = 16
/** Every tag above fits one byte except these two-byte ones (fields 16 and up). */
const TWO_BYTE_TAG_FROM = 16 << 3

type Chunk = { data: Uint8Array, codec: number }

function varintLength (value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5
}

/** A string's UTF-8 bytes: `null` when it is ASCII (written straight from its char codes). */
function utf8 (text: string): Uint8Array | null {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return encoder.encode(text)
    }
  }
  return null
}

function textLength (text: string, bytes: Uint8Array | null): number {
  return bytes == null ? text.length : bytes.byteLength
}

function chunkLength (chunk: Chunk): number {
  const data = chunk.data.byteLength
  const codec = chunk.codec >>> 0
  return (data > 0 ? 1 + varintLength(data) + data : 0) + (codec !== 0 ? 1 + varintLength(codec) : 0)
}

/** Bytes of a varint field (tag and value); zero for a default value. */
function uintField (tag: number, value: number | undefined): number {
  const v = (value ?? 0) >>> 0
  return v === 0 ? 0 : (tag >= TWO_BYTE_TAG_FROM ? 2 : 1) + varintLength(v)
}

function lengthField (tag: number, length: number): number {
  return (tag >= TWO_BYTE_TAG_FROM ? 2 : 1) + varintLength(length) + length
}

/** Frames up to this size are cut from a shared slab rather than allocated one by one */
const SLAB_BYTES = 64 * 1024
const MAX_SLAB_FRAME_BYTES = 4 * 1024
let slab = new Uint8Array(SLAB_BYTES)
let slabUsed = 0

/**
 * `size` fresh bytes. A small typed array costs far more to allocate than
 * to fill, so small frames are cut from a slab, never handed out twice (as
 * Node's `Buffer.allocUnsafe` pool does, but zeroed).
 */
function allocate (size: number): Uint8Array {
  if (size > MAX_SLAB_FRAME_BYTES) {
    return new Uint8Array(size)
  }
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    slabUsed = 0
  }
  const out = slab.subarray(slabUsed, slabUsed + size)
  // keep the next frame 8-byte aligned
  slabUsed += (size + 7) & ~7
  return out
}

class Writer {
  readonly bytes: Uint8Array
  pos = 0

  constructor (size: number) {
    this.bytes = allocate(size)
  }

  varint (value: number): void {
    const { bytes } = this
    while (value > 0x7f) {
      bytes[this.pos++] = (value & 0x7f) | 0x80
      value >>>= 7
    }
    bytes[this.pos++] = value
  }

  tag (tag: number): void {
    this.varint(tag)
  }

  uint (tag: number, value: number | undefined): void {
    const v = (value ?? 0) >>> 0
    if (v !== 0) {
      this.varint(tag)
      this.varint(v)
    }
  }

  raw (data: Uint8Array): void {
    this.bytes.set(data, this.pos)
    this.pos += data.byteLength
  }

  lengthDelimited (tag: number, data: Uint8Array): void {
    if (data.byteLength > 0) {
      this.varint(tag)
      this.varint(data.byteLength)
      this.raw(data)
    }
  }

  text (tag: number, text: string, bytes: Uint8Array | null): void {
    if (text.length === 0) {
      return
    }
    this.varint(tag)
    if (bytes != null) {
      this.varint(bytes.byteLength)
      this.raw(bytes)
      return
    }
    this.varint(text.length)
    const out = this.bytes
    let pos = this.pos
    for (let i = 0; i < text.length; i++) {
      out[pos++] = text.charCodeAt(i)
    }
    this.pos = pos
  }

  chunks (tag: number, chunks: Chunk[] | undefined): void {
    if (chunks == null) {
      return
    }
    for (const chunk of chunks) {
      this.varint(tag)
      this.varint(chunkLength(chunk))
      this.lengthDelimited(TAG_PAYLOAD_DATA, chunk.data)
      this.uint(TAG_PAYLOAD_CODEC, chunk.codec)
    }
  }
}

function chunksLength (tag: number, chunks: Chunk[] | undefined): number {
  let n = 0
  if (chunks != null) {
    for (const chunk of chunks) {
      n += lengthField(tag, chunkLength(chunk))
    }
  }
  return n
}

function textField (tag: number, text: string, bytes: Uint8Array | null): number {
  return text.length === 0 ? 0 : lengthField(tag, textLength(text, bytes))
}

/** Encodes a frame with its length prefix, ready to send. */
export function encodeFrame (frame: FrameInit): Uint8Array {
  const task = frame.task ?? ''
  const service = frame.service ?? ''
  const code = frame.code ?? ''
  const message = frame.message ?? ''
  const traceparent = frame.traceparent ?? ''
  const payload = frame.payload ?? EMPTY
  const token = frame.token ?? EMPTY
  const time = frame.time ?? 0
  const taskBytes = utf8(task)
  const serviceBytes = utf8(service)
  const codeBytes = code.length > 0 ? utf8(code) : null
  const messageBytes = message.length > 0 ? utf8(message) : null
  const traceBytes = traceparent.length > 0 ? utf8(traceparent) : null

  const size = uintField(TAG_KIND, frame.kind) +
    textField(TAG_TASK, task, taskBytes) +
    uintField(TAG_ATTEMPT, frame.attempt) +
    textField(TAG_SERVICE, service, serviceBytes) +
    (payload.byteLength > 0 ? lengthField(TAG_PAYLOAD, payload.byteLength) : 0) +
    uintField(TAG_CODEC, frame.codec) +
    uintField(TAG_SEQ, frame.seq) +
    chunksLength(TAG_PRIOR, frame.prior) +
    uintField(TAG_CREDIT, frame.credit) +
    uintField(TAG_TIMEOUT, frame.timeoutMs) +
    uintField(TAG_FLAGS, frame.flags) +
    textField(TAG_CODE, code, codeBytes) +
    textField(TAG_MESSAGE, message, messageBytes) +
    uintField(TAG_LOAD, frame.load) +
    uintField(TAG_CAPACITY, frame.capacity) +
    (time !== 0 ? 2 + 8 : 0) +
    (token.byteLength > 0 ? lengthField(TAG_TOKEN, token.byteLength) : 0) +
    chunksLength(TAG_MORE, frame.more) +
    textField(TAG_TRACEPARENT, traceparent, traceBytes)

  const w = new Writer(varintLength(size) + size)
  w.varint(size)
  w.uint(TAG_KIND, frame.kind)
  w.text(TAG_TASK, task, taskBytes)
  w.uint(TAG_ATTEMPT, frame.attempt)
  w.text(TAG_SERVICE, service, serviceBytes)
  w.lengthDelimited(TAG_PAYLOAD, payload)
  w.uint(TAG_CODEC, frame.codec)
  w.uint(TAG_SEQ, frame.seq)
  w.chunks(TAG_PRIOR, frame.prior)
  w.uint(TAG_CREDIT, frame.credit)
  w.uint(TAG_TIMEOUT, frame.timeoutMs)
  w.uint(TAG_FLAGS, frame.flags)
  w.text(TAG_CODE, code, codeBytes)
  w.text(TAG_MESSAGE, message, messageBytes)
  w.uint(TAG_LOAD, frame.load)
  w.uint(TAG_CAPACITY, frame.capacity)
  if (time !== 0) {
    w.tag(TAG_TIME)
    floatView.setFloat64(0, time, true)
    w.raw(floatBytes)
  }
  w.lengthDelimited(TAG_TOKEN, token)
  w.chunks(TAG_MORE, frame.more)
  w.text(TAG_TRACEPARENT, traceparent, traceBytes)
  return w.bytes
}
