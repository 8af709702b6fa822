/**
 * The commands of the key-value state machine and their encoding (the data
 * of a normal Raft entry). Decoding never throws: bad bytes give a
 * {@link KvError} result, so one bad entry cannot stop the apply loop.
 *
 * Every command carries the proposer's `(client, seq)` for dedup and the
 * proposing leader's `(term, timeMs)` stamp, the only source of time the
 * state machine has (see clock.ts).
 *
 * @example
 * ```ts
 * const data = encodeCommand({ op: 'put', client: peerId, seq: 1, term, timeMs: performance.now(), key: 'a', value: encodeValue({ x: 1 }) })
 * ```
 */
import { InvalidArgumentError } from '../../errors.ts'
import { encodeUtf8 } from '../../wire/utf8.ts'
import { KV_ENCODING_VERSION, MAX_COMMAND_BYTES, MAX_KEY_BYTES, MAX_VALUE_BYTES } from './constants.ts'
import { KvCommand as Wire } from './generated/kv.js'
import type { JsonValue } from '../types.ts'

/** Fields every command has. */
export interface Stamp {
  /** The proposer, for dedup (empty: not deduplicated) */
  client: string
  /** The proposer's proposal number, rising per client */
  seq: number
  /** The proposing leader's term, set by the leader (0: carries no time) */
  term: number
  /** The proposing leader's monotonic clock in ms, set by the leader */
  timeMs: number
}

export type Command = Stamp & (
  | { op: 'put', key: string, value: Uint8Array }
  | { op: 'delete', key: string }
  | { op: 'cas', key: string, expectedRevision: number, value: Uint8Array }
  | { op: 'session-open', ttlMs: number }
  | { op: 'keepalive', session: number }
  | { op: 'session-close', session: number }
  | { op: 'lock', session: number, key: string, ttlMs: number }
  | { op: 'unlock', session: number, key: string, token: number }
  | { op: 'tick' }
)

export type Op = Command['op']

/** Why a command did nothing; what its proposer gets back instead of a result. */
export type KvErrorCode =
  | 'bad-command'
  | 'invalid-argument'
  | 'quota-exceeded'
  | 'session-expired'
  | 'duplicate-expired'
  | 'already-applied'

export interface KvError {
  error: KvErrorCode
  message: string
}

const OPS: Op[] = ['put', 'delete', 'cas', 'session-open', 'keepalive', 'session-close', 'lock', 'unlock', 'tick']
const OP_NUMBER = new Map(OPS.map((op, i) => [op, i + 1]))

export function kvError (error: KvErrorCode, message: string): KvError {
  return { error, message }
}

export function isKvError (result: unknown): result is KvError {
  return typeof result === 'object' && result != null && typeof (result as KvError).error === 'string'
}

/**
 * A JSON value as the UTF-8 JSON text a command carries.
 *
 * @throws InvalidArgumentError if the value is not JSON or too large
 */
export function encodeValue (value: JsonValue): Uint8Array {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new InvalidArgumentError('the value is not JSON-serialisable', { cause: err })
  }
  if (text === undefined) {
    throw new InvalidArgumentError(`a ${typeof value} is not a JSON value`)
  }
  const bytes = encodeUtf8(text)
  if (bytes.byteLength > MAX_VALUE_BYTES) {
    throw new InvalidArgumentError(`the value is ${bytes.byteLength} bytes, more than ${MAX_VALUE_BYTES}`)
  }
  return bytes
}

/** Encodes a command as entry data. */
export function encodeCommand (command: Command): Uint8Array {
  const c = command as Partial<Record<string, unknown>> & Command
  return Wire.encode({
    version: KV_ENCODING_VERSION,
    op: OP_NUMBER.get(command.op),
    client: command.client,
    seq: command.seq,
    term: command.term,
    timeMs: command.timeMs,
    key: c.key as string | undefined,
    value: c.value as Uint8Array<ArrayBuffer> | undefined,
    expectedRevision: c.expectedRevision as number | undefined,
    session: c.session as number | undefined,
    ttlMs: c.ttlMs as number | undefined,
    token: c.token as number | undefined
  })
}

/** Decodes entry data; bad bytes give a `bad-command` error, never a throw. */
export function decodeCommand (data: Uint8Array): Command | KvError {
  if (data.byteLength > MAX_COMMAND_BYTES) {
    return kvError('bad-command', `a command of ${data.byteLength} bytes is over ${MAX_COMMAND_BYTES}`)
  }
  let w: Wire
  try {
    w = Wire.decode(data)
  } catch (err: any) {
    return kvError('bad-command', `undecodable command: ${String(err?.message ?? err)}`)
  }
  if (w.version !== KV_ENCODING_VERSION) {
    return kvError('bad-command', `unknown command encoding version ${w.version}`)
  }
  const stamp: Stamp = { client: w.client, seq: w.seq, term: w.term, timeMs: w.timeMs }
  if (!Number.isFinite(stamp.timeMs) || !Number.isSafeInteger(stamp.seq) || !Number.isSafeInteger(stamp.term)) {
    return kvError('bad-command', 'bad stamp')
  }
  const op = OPS[w.op - 1]
  switch (op) {
    case 'put': return { ...stamp, op, key: w.key, value: w.value }
    case 'delete': return { ...stamp, op, key: w.key }
    case 'cas': return { ...stamp, op, key: w.key, expectedRevision: w.expectedRevision, value: w.value }
    case 'session-open': return { ...stamp, op, ttlMs: w.ttlMs }
    case 'keepalive': return { ...stamp, op, session: w.session }
    case 'session-close': return { ...stamp, op, session: w.session }
    case 'lock': return { ...stamp, op, session: w.session, key: w.key, ttlMs: w.ttlMs }
    case 'unlock': return { ...stamp, op, session: w.session, key: w.key, token: w.token }
    case 'tick': return { ...stamp, op }
    default: return kvError('bad-command', `unknown op ${w.op}`)
  }
}

/** Why a key or lock name is refused, if it is. */
export function checkKey (key: string): KvError | undefined {
  if (key.length === 0) {
    return kvError('invalid-argument', 'empty key')
  }
  if (key.length > MAX_KEY_BYTES || encodeUtf8(key).byteLength > MAX_KEY_BYTES) {
    return kvError('invalid-argument', `key over ${MAX_KEY_BYTES} bytes`)
  }
  return undefined
}
