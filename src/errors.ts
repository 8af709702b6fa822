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
