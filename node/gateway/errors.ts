/**
 * How errors reach an HTTP client: OpenAI's error shape
 * (`{ error: { message, type, param, code } }`) with the status an OpenAI
 * client expects — a bad request 400, no worker for the model 503, a
 * deadline passed 504.
 */
import { InvalidArgumentError } from '../../src/errors.ts'

/** The body of every error response, as OpenAI's API sends it. */
export interface OpenAIErrorBody {
  error: {
    message: string
    type: string
    param: string | null
    code: string | null
  }
}

export interface HttpError {
  status: number
  body: OpenAIErrorBody
}

/**
 * A request the gateway cannot accept, naming the parameter at fault. Its
 * `name` stays `InvalidArgumentError`: it is one, with a field attached.
 */
export class InvalidRequestError extends InvalidArgumentError {
  /** The request field at fault (`messages[0].content`), or null */
  readonly param: string | null

  constructor (message: string, param: string | null = null) {
    super(message)
    this.param = param
  }
}

/** An error response with the given status and fields. */
export function httpError (status: number, message: string, type: string, code: string | null = null, param: string | null = null): HttpError {
  return { status, body: { error: { message, type, param, code } } }
}

/** Maps what a completion failed with to its HTTP status and body. */
export function toHttpError (err: any): HttpError {
  const message = String(err?.message ?? err)
  switch (err?.name) {
    case 'InvalidArgumentError':
      return httpError(400, message, 'invalid_request_error', null, err.param ?? null)
    case 'NoWorkersError':
    case 'NotStartedError':
      return httpError(503, message, 'server_error', 'no_workers', null)
    case 'TimeoutError':
      return httpError(504, message, 'server_error', 'timeout')
    case 'RateLimitedError':
      return httpError(429, message, 'requests', 'rate_limit_exceeded')
    case 'AccessDeniedError':
      return httpError(403, message, 'invalid_request_error', 'access_denied')
    case 'RemoteError':
      if (err.code === 'InvalidInputError') {
        return httpError(400, message, 'invalid_request_error', 'invalid_value')
      }
      return httpError(502, message, 'server_error', 'worker_error')
    case 'ProtocolError':
      return httpError(502, message, 'server_error', 'worker_error')
    default:
      return httpError(500, message, 'server_error')
  }
}
