/**
 * Task-channel frames: what each kind means, and their length-prefixed
 * encoding. A frame is a protobuf `Frame` (frames.proto) preceded by its
 * byte length as an unsigned varint (written by frame-encoder.ts).
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { ProtocolError } from '../errors.ts'
import { Frame } from './generated/frames.js'

export { Frame }

/** requester -> worker: run `service` on `payload` (attempt `attempt`) */
export const KIND_TASK = 1
/** worker -> requester: chunk number `seq` of a streaming reply */
export const KIND_CHUNK = 2
/** worker -> requester: the final value (empty for a finished stream) */
export const KIND_RESULT = 3
/** worker -> requester: the task failed (`code`, `message`, retryable flag) */
export const KIND_ERROR = 4
/** requester -> worker: stop attempt `attempt` of `task` */
export const KIND_CANCEL = 5
/** requester -> worker: `credit` more chunks may be sent */
export const KIND_CREDIT = 6
/** either way: keepalive; answered with PONG echoing `time` */
export const KIND_PING = 7
export const KIND_PONG = 8
/** worker -> requester: free capacity for a claimed task */
export const KIND_OFFER = 9
/**
 * requester -> worker: a broadcast claim of `task` for `service`, sent on an
 * open channel beside the one on the service topic (answered with OFFER)
 */
export const KIND_CLAIM = 10

/** TASK: the caller wants chunks, not one value */
export const FLAG_STREAM = 1
/**
 * TASK: the caller journals this task and may send it again after a
 * restart, so the worker keeps its result (see ResultCache)
 */
export const FLAG_JOURNALED = 2
/** ERROR: the task may run again elsewhere */
export const FLAG_RETRYABLE = 1

/** Chunks one CHUNK frame carries at most (`payload` and `more`). */
export const MAX_CHUNKS_PER_FRAME = 1024

/** The fields a frame sets; everything else takes its protobuf default. */
export type FrameInit = Partial<Omit<Frame, 'payload' | 'token' | 'prior' | 'more'>> & {
  kind: number
  payload?: Uint8Array
  token?: Uint8Array
  prior?: Array<{ data: Uint8Array, codec: number }>
  more?: Array<{ data: Uint8Array, codec: number }>
}

export { encodeFrame } from './frame-encoder.ts'

export interface FrameDecoderInit {
  /** Largest frame accepted; a larger length prefix is a ProtocolError */
  maxFrameBytes: number
  /** Most `prior` entries a TASK frame may carry */
  maxPriorChunks?: number
}

/**
 * Turns the bytes of a channel, in whatever pieces they arrive, into frames.
 * Throws {@link ProtocolError} on an oversize length or an undecodable frame;
 * the channel is then unusable and must be reset.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameBytes: number
  private readonly limits: { prior: number, more: number }

  constructor (init: FrameDecoderInit) {
    this.maxFrameBytes = init.maxFrameBytes
    this.limits = { prior: init.maxPriorChunks ?? 100_000, more: MAX_CHUNKS_PER_FRAME }
  }

  /** Appends bytes and returns every frame now complete. */
  push (data: Uint8Array | Uint8ArrayList): Frame[] {
    this.buffer.append(data)
    const frames: Frame[] = []
    while (this.buffer.byteLength > 0) {
      const length = this.peekLength()
      if (length == null) {
        break
      }
      const { value, bytes } = length
      if (this.buffer.byteLength < bytes + value) {
        break
      }
      const body = this.buffer.subarray(bytes, bytes + value)
      this.buffer.consume(bytes + value)
      try {
        frames.push(Frame.decode(body, { limits: this.limits }))
      } catch (err) {
        throw new ProtocolError('undecodable frame', { cause: err })
      }
    }
    return frames
  }

  /** Bytes held waiting for the rest of a frame. */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  private peekLength (): { value: number, bytes: number } | undefined {
    // a varint for up to 2^53 takes at most 8 bytes; look at no more than that
    const head = this.buffer.subarray(0, Math.min(this.buffer.byteLength, 8))
    let value = 0
    let shift = 1
    for (let i = 0; i < head.byteLength; i++) {
      const b = head[i]
      value += (b & 0x7f) * shift
      if (value > this.maxFrameBytes) {
        throw new ProtocolError(`frame larger than ${this.maxFrameBytes} bytes`)
      }
      if ((b & 0x80) === 0) {
        return { value, bytes: i + 1 }
      }
      shift *= 128
    }
    if (head.byteLength >= 8) {
      throw new ProtocolError('malformed frame length')
    }
    return undefined
  }
}
