/**
 * Every error meshwork raises is one of these classes. Each sets `name`, so
 * callers can branch on `err.name` (which survives crossing the wire) rather
 * than on message text.
 */

/** Options shared by every meshwork error. */
export interface MeshErrorOptions {
  cause?: unknown
  /** The peer the error concerns, when there is one */
  peerId?: string
}

/** Base class of all meshwork errors. */
export class MeshError extends Error {
  readonly peerId?: string

  constructor (message: string, options: MeshErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'MeshError'
    this.peerId = options.peerId
  }
}

/** No live worker serves the service, and none answered a broadcast claim. */
export class NoWorkersError extends MeshError {
  static readonly code = 'NoWorkersError'

  constructor (message = 'no worker serves this service', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'NoWorkersError'
  }
}

/** The call's deadline passed before a reply arrived. */
export class TimeoutError extends MeshError {
  static readonly code = 'TimeoutError'

  constructor (message = 'the call timed out', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'TimeoutError'
  }
}

/** The caller aborted the call through its `signal`. */
export class AbortError extends MeshError {
  static readonly code = 'AbortError'

  constructor (message = 'the call was aborted', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'AbortError'
  }
}

/** Options of a {@link RemoteError}. */
export interface RemoteErrorOptions extends MeshErrorOptions {
  /** The remote error's own name, e.g. `TypeError` or an application code */
  code?: string
  /** Whether the requester may run the task again elsewhere */
  retryable?: boolean
}

/**
 * The handler on the worker failed. `code` carries the remote error's name
 * (or the `code` the handler set); the requester retries it on another
 * worker only when `retryable` is true.
 */
export class RemoteError extends MeshError {
  static readonly code = 'RemoteError'
  readonly code: string
  readonly retryable: boolean

  constructor (message: string, options: RemoteErrorOptions = {}) {
    super(message, options)
    this.name = 'RemoteError'
    this.code = options.code ?? 'Error'
    this.retryable = options.retryable ?? false
  }
}

/** The worker refused the task: the caller lacks the right to the service. */
export class AccessDeniedError extends MeshError {
  static readonly code = 'AccessDeniedError'

  constructor (message = 'access denied', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'AccessDeniedError'
  }
}

/** The peer sent more than its limits allow (rate, tasks in flight, queue). */
export class RateLimitedError extends MeshError {
  static readonly code = 'RateLimitedError'

  constructor (message = 'rate limited', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'RateLimitedError'
  }
}

/** Bytes on the wire broke the protocol: malformed, oversize or out of order. */
export class ProtocolError extends MeshError {
  static readonly code = 'ProtocolError'

  constructor (message = 'protocol error', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'ProtocolError'
  }
}

/** An argument to a public method was not acceptable. */
export class InvalidArgumentError extends MeshError {
  static readonly code = 'InvalidArgumentError'

  constructor (message: string, options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'InvalidArgumentError'
  }
}

/**
 * One task of a `map` job failed for good, which fails the job: `index` is
 * the task's place in the inputs, `cause` its error (a {@link RemoteError}
 * when the handler threw).
 */
export class MapTaskError extends MeshError {
  static readonly code = 'MapTaskError'
  readonly index: number

  constructor (index: number, cause: Error) {
    super(`task ${index} failed: ${cause.message}`, { cause })
    this.name = 'MapTaskError'
    this.index = index
  }
}

/** The node was stopped while the call was in flight, or before it began. */
export class NotStartedError extends MeshError {
  static readonly code = 'NotStartedError'

  constructor (message = 'the mesh node is not running', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'NotStartedError'
  }
}

/**
 * Marks an error thrown by a handler as safe to run again on another
 * worker (for instance: out of GPU memory here, fine elsewhere).
 */
export class RetryableError extends Error {
  readonly retryable = true

  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RetryableError'
  }
}

/** Error names a worker may send that rebuild as their own class. */
const byName: Record<string, new (message: string, options?: MeshErrorOptions) => MeshError> = {
  AccessDeniedError,
  RateLimitedError,
  ProtocolError,
  TimeoutError,
  NoWorkersError
}

/**
 * Rebuilds an error a worker sent: meshwork's own refusals come back as
 * their class; anything the handler threw becomes a {@link RemoteError}.
 */
export function errorFromWire (code: string, message: string, retryable: boolean, peerId: string): MeshError {
  const Known = byName[code]
  if (Known != null) {
    return new Known(message, { peerId })
  }
  return new RemoteError(message, { code, retryable, peerId })
}

/** Whether an error is one the caller can never fix by trying elsewhere. */
export function isFinal (err: MeshError): boolean {
  if (err instanceof RemoteError) {
    return !err.retryable
  }
  return err.name === 'AccessDeniedError' || err.name === 'ProtocolError'
}

// ---- consensus groups ----

/**
 * A write reached the group's leader but its outcome is unknown: the leader
 * died or lost its role before the caller heard whether the entry committed.
 * It may have taken effect or not; meshwork did not retry it (a retry could
 * write twice). Read the key to find out, or make the write conditional.
 */
export class OutcomeUnknownError extends MeshError {
  static readonly code = 'OutcomeUnknownError'

  constructor (message = 'the write may or may not have taken effect; it was not retried', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'OutcomeUnknownError'
  }
}

/** Options of a {@link CompactedError}. */
export interface CompactedErrorOptions extends MeshErrorOptions {
  /** The oldest revision the group's history still holds */
  oldestRevision?: number
}

/**
 * A watch asked for changes from a revision older than the history the group
 * keeps. Read the current state and watch from the revision it carries.
 */
export class CompactedError extends MeshError {
  static readonly code = 'CompactedError'
  readonly oldestRevision: number

  constructor (message = 'the history from that revision was compacted', options: CompactedErrorOptions = {}) {
    super(message, options)
    this.name = 'CompactedError'
    this.oldestRevision = options.oldestRevision ?? 0
  }
}

/** The peer is not a member of the group (a message from it, or a change naming it). */
export class NotMemberError extends MeshError {
  static readonly code = 'NotMemberError'

  constructor (message = 'not a member of the group', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'NotMemberError'
  }
}

/** No member knew of a leader before the call's deadline (no quorum, or an election in progress). */
export class NoLeaderError extends MeshError {
  static readonly code = 'NoLeaderError'

  constructor (message = 'the group has no leader', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'NoLeaderError'
  }
}

/**
 * A member's durable storage failed (full disk, a datastore error). The
 * member stops voting and acknowledging until it is restarted.
 */
export class StorageError extends MeshError {
  static readonly code = 'StorageError'

  constructor (message = 'raft storage failed', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'StorageError'
  }
}

/** The lock session lapsed (no keepalive within its ttl): its locks are no longer held. */
export class SessionExpiredError extends MeshError {
  static readonly code = 'SessionExpiredError'

  constructor (message = 'the session expired', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'SessionExpiredError'
  }
}

/** The group's state is at a bound (keys, bytes, sessions or locks) and refuses to grow. */
export class QuotaExceededError extends MeshError {
  static readonly code = 'QuotaExceededError'

  constructor (message = 'the group is at its size limit', options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'QuotaExceededError'
  }
}

/** A model file (`model.json`) is malformed: wrong shape, non-finite values, too large. */
export class InvalidModelError extends MeshError {
  static readonly code = 'InvalidModelError'

  constructor (message: string, options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'InvalidModelError'
  }
}
