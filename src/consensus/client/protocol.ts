/**
 * What clients and members say to each other: requests to the group's mesh
 * service (`consensus/<name>`, see constants.ts) and their answers. Riding
 * the mesh's task channels, a request reaches a member from any peer,
 * browsers included, with the mesh's framing, bounds, access checks and
 * liveness. An answer is a result or a typed refusal; a refusal of kind
 * `redirect` means nothing was appended, so the client may ask again (at
 * the named leader).
 */
import { CompactedError, InvalidArgumentError, NoLeaderError, NotMemberError, NotStartedError, OutcomeUnknownError, ProtocolError, QuotaExceededError, RateLimitedError, SessionExpiredError, StorageError } from '../../errors.ts'
import type { MeshError } from '../../errors.ts'
import type { JsonValue, WatchChange } from '../types.ts'

/** A write the leader proposes; `client`/`seq` identify it for dedup. */
export type WriteRequest = { client: string, seq: number } & (
  | { op: 'put', key: string, value: JsonValue }
  | { op: 'delete', key: string }
  | { op: 'cas', key: string, expectedRevision: number, value: JsonValue }
  | { op: 'session-open', ttlMs: number }
  | { op: 'keepalive', session: number }
  | { op: 'session-close', session: number }
  | { op: 'lock', session: number, key: string, ttlMs: number }
  | { op: 'unlock', session: number, key: string, token: number }
)

export type Request =
  | WriteRequest
  | { op: 'get', key: string, consistency: 'linearizable' | 'local' }
  | { op: 'status' }
  | { op: 'member', change: 'add' | 'remove', member: string }
  /** Answers once the lock `key` changed after `revision`, or after a while */
  | { op: 'lock-wait', key: string, revision: number }
  | { op: 'watch', prefix: string, fromRevision?: number }

export const WRITE_OPS = new Set(['put', 'delete', 'cas', 'session-open', 'keepalive', 'session-close', 'lock', 'unlock'])

/** A refusal: `redirect` means nothing was appended (ask again, at `leader` if named). */
export interface Refusal {
  error: string
  message: string
  redirect?: boolean
  leader?: string
  oldestRevision?: number
}

export type Answer = { ok: unknown } | Refusal

/** One chunk of a watch: changes in order, or the member's revision while there are none. */
export type WatchChunk = { changes: WatchChange[] } | { revision: number } | Refusal

export const isRefusal = (a: unknown): a is Refusal =>
  typeof a === 'object' && a != null && typeof (a as Refusal).error === 'string'

const KNOWN: Record<string, new (message: string, options?: any) => MeshError> = {
  CompactedError,
  InvalidArgumentError,
  NoLeaderError,
  NotMemberError,
  NotStartedError,
  OutcomeUnknownError,
  ProtocolError,
  QuotaExceededError,
  RateLimitedError,
  SessionExpiredError,
  StorageError
}

/** Rebuilds a member's refusal as its error class, created here so its stack points at the caller. */
export function refusalError (r: Refusal, peerId?: string): Error {
  const Known = KNOWN[r.error]
  if (Known === CompactedError) return new CompactedError(r.message, { oldestRevision: r.oldestRevision, peerId })
  if (Known != null) return new Known(r.message, { peerId })
  return new ProtocolError(`a member answered with ${r.error}: ${r.message}`, { peerId })
}

/** A refusal for an error a member met. */
export function toRefusal (err: any): Refusal {
  const r: Refusal = { error: typeof err?.name === 'string' ? err.name : 'Error', message: String(err?.message ?? err) }
  if (err instanceof CompactedError) r.oldestRevision = err.oldestRevision
  return r
}
