/**
 * Raft messages as `/meshwork/raft/1.0.0` frames: a protobuf `RaftFrame`
 * (raft.proto) with its byte length in front as an unsigned varint, and a
 * decoder that turns a stream's bytes into frames within decode limits.
 * Anything that is not a well-formed frame is a `ProtocolError`.
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { writer } from 'protons-runtime'
import { ProtocolError } from '../../errors.ts'
import { MAX_ENTRIES_ACCEPTED, MAX_MEMBERS } from '../raft/constants.ts'
import { RaftFrame } from './generated/raft.js'
import type { Entry, Snapshot } from '../log-types.ts'
import type { Message, MessageType } from '../raft/messages.ts'
import type { RaftEntry, RaftMessage, RaftSnapshot } from './generated/raft.js'

const MESSAGE_TYPES: MessageType[] = ['vote', 'prevote', 'vote-response', 'prevote-response', 'append', 'append-response',
  'heartbeat', 'heartbeat-response', 'snapshot', 'timeout-now']
const TYPE_NUMBER = new Map(MESSAGE_TYPES.map((t, i) => [t, i + 1]))
const ENTRY_TYPES: Array<Entry['type']> = ['normal', 'conf']

/** Most messages one frame carries. */
export const MAX_MESSAGES_PER_FRAME = 1024

/** The messages of one group in one frame. */
export interface DecodedFrame {
  group: string
  messages: Message[]
}

const toWireEntry = (e: Entry): RaftEntry =>
  ({ index: e.index, term: e.term, type: ENTRY_TYPES.indexOf(e.type) + 1, data: e.data as Uint8Array<ArrayBuffer> })

const toWireSnapshot = (s: Snapshot): RaftSnapshot =>
  ({ index: s.index, term: s.term, members: s.members, data: s.data as Uint8Array<ArrayBuffer> })

function toWire (m: Message): RaftMessage {
  const w: Partial<RaftMessage> & Record<string, unknown> = { type: TYPE_NUMBER.get(m.type), from: m.from, to: m.to, term: m.term }
  switch (m.type) {
    case 'vote':
    case 'prevote': Object.assign(w, { lastIndex: m.lastIndex, lastTerm: m.lastTerm, transfer: m.transfer }); break
    case 'vote-response':
    case 'prevote-response': w.reject = m.reject; break
    case 'append': Object.assign(w, { prevIndex: m.prevIndex, prevTerm: m.prevTerm, commit: m.commit, entries: m.entries.map(toWireEntry) }); break
    case 'append-response': Object.assign(w, { index: m.index, reject: m.reject, hintIndex: m.hintIndex, hintTerm: m.hintTerm }); break
    case 'heartbeat': Object.assign(w, { commit: m.commit, context: m.context }); break
    case 'heartbeat-response': w.context = m.context; break
    case 'snapshot': w.snapshot = toWireSnapshot(m.snapshot); break
    case 'timeout-now': break
  }
  return w as RaftMessage
}

function fromWire (w: RaftMessage): Message {
  const type = MESSAGE_TYPES[w.type - 1]
  const base = { from: w.from, to: w.to, term: w.term }
  switch (type) {
    case 'vote':
    case 'prevote': return { ...base, type, lastIndex: w.lastIndex, lastTerm: w.lastTerm, transfer: w.transfer }
    case 'vote-response':
    case 'prevote-response': return { ...base, type, reject: w.reject }
    case 'append': return {
      ...base,
      type,
      prevIndex: w.prevIndex,
      prevTerm: w.prevTerm,
      commit: w.commit,
      entries: w.entries.map(e => {
        const entryType = ENTRY_TYPES[e.type - 1]
        if (entryType == null) throw new ProtocolError(`unknown raft entry type ${e.type}`)
        return { index: e.index, term: e.term, type: entryType, data: e.data }
      })
    }
    case 'append-response': return { ...base, type, index: w.index, reject: w.reject, hintIndex: w.hintIndex, hintTerm: w.hintTerm }
    case 'heartbeat': return { ...base, type, commit: w.commit, context: w.context }
    case 'heartbeat-response': return { ...base, type, context: w.context }
    case 'snapshot': {
      if (w.snapshot == null) throw new ProtocolError('a snapshot message without its snapshot')
      const s = w.snapshot
      return { ...base, type, snapshot: { index: s.index, term: s.term, members: s.members, data: s.data } }
    }
    case 'timeout-now': return { ...base, type }
    default: throw new ProtocolError(`unknown raft message type ${w.type}`)
  }
}

/** Encodes one group's messages as a frame with its length prefix. */
export function encodeRaftFrame (group: string, messages: Message[]): Uint8Array {
  const w = writer()
  RaftFrame.codec().encode({ group, messages: messages.map(toWire) }, w)
  return w.finish()
}

const DECODE_LIMITS = {
  messages: MAX_MESSAGES_PER_FRAME,
  messages$: { entries: MAX_ENTRIES_ACCEPTED, snapshot: { members: MAX_MEMBERS } }
}

/**
 * Turns a stream's bytes, in whatever pieces they come, into frames. Throws
 * `ProtocolError` on a length over `maxFrameBytes` or an undecodable frame;
 * the stream is unusable after that.
 */
export class RaftFrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private readonly maxFrameBytes: number

  constructor (maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes
  }

  push (data: Uint8Array | Uint8ArrayList): DecodedFrame[] {
    this.buffer.append(data)
    const frames: DecodedFrame[] = []
    for (;;) {
      const length = this.peekLength()
      if (length == null || this.buffer.byteLength < length.bytes + length.value) {
        return frames
      }
      const body = this.buffer.subarray(length.bytes, length.bytes + length.value)
      this.buffer.consume(length.bytes + length.value)
      let frame: RaftFrame
      try {
        frame = RaftFrame.decode(body, { limits: DECODE_LIMITS })
      } catch (err) {
        throw new ProtocolError('undecodable raft frame', { cause: err })
      }
      frames.push({ group: frame.group, messages: frame.messages.map(fromWire) })
    }
  }

  private peekLength (): { value: number, bytes: number } | undefined {
    const head = this.buffer.subarray(0, Math.min(this.buffer.byteLength, 8))
    let value = 0
    let shift = 1
    for (let i = 0; i < head.byteLength; i++) {
      value += (head[i] & 0x7f) * shift
      if (value > this.maxFrameBytes) throw new ProtocolError(`raft frame larger than ${this.maxFrameBytes} bytes`)
      if ((head[i] & 0x80) === 0) return { value, bytes: i + 1 }
      shift *= 128
    }
    if (head.byteLength >= 8) throw new ProtocolError('malformed raft frame length')
    return undefined
  }
}
