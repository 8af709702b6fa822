/**
 * The gateway's HTTP side: routes, the optional bearer token, bounded
 * request bodies, the cap on completions in flight, and error responses in
 * OpenAI's shape.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import { context, propagation } from '@opentelemetry/api'
import { chatCompletion } from './completions.ts'
import { embeddings } from './embeddings.ts'
import { httpError, toHttpError } from './errors.ts'
import { meshModels } from './models.ts'
import type { CompletionContext } from './completions.ts'
import type { EmbeddingContext } from './embeddings.ts'
import type { HttpError } from './errors.ts'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

export interface ServerInit extends CompletionContext, EmbeddingContext {
  token?: string
  maxBodyBytes: number
  maxCompletions: number
  requestReadTimeoutMs: number
}

export function createGatewayServer (init: ServerInit): Server {
  const firstSeen = new Map<string, number>()
  const tokenDigest = init.token != null && init.token !== '' ? digest(init.token) : undefined
  let inFlight = 0

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname.replace(/\/+$/, '')
    if (tokenDigest != null && !authorized(req, tokenDigest)) {
      send(res, httpError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'))
      return
    }
    if (path === '/v1/chat/completions' || path === '/v1/embeddings') {
      if (req.method !== 'POST') {
        send(res, notAllowed(req, 'POST'))
        return
      }
      if (inFlight >= init.maxCompletions) {
        send(res, httpError(429, `this gateway already runs ${init.maxCompletions} requests`, 'requests', 'rate_limit_exceeded'))
        return
      }
      inFlight++
      try {
        const body = await readJson(req, init.maxBodyBytes)
        if (path === '/v1/chat/completions') {
          await chatCompletion(init, body, res)
        } else {
          const left = new AbortController()
          const onClose = (): void => { left.abort() }
          res.once('close', onClose)
          try {
            sendJson(res, 200, await embeddings(init, body, left.signal))
          } finally {
            res.off('close', onClose)
          }
        }
      } finally {
        inFlight--
      }
      return
    }
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (req.method !== 'GET') {
        send(res, notAllowed(req, 'GET'))
        return
      }
      const models = meshModels(init.node, firstSeen)
      if (path === '/v1/models') {
        sendJson(res, 200, { object: 'list', data: models })
        return
      }
      const id = decodeURIComponent(path.slice('/v1/models/'.length))
      const model = models.find(m => m.id === id)
      if (model == null) {
        send(res, httpError(404, `The model '${id}' is not served in the mesh right now.`, 'invalid_request_error', 'model_not_found', 'model'))
        return
      }
      sendJson(res, 200, model)
      return
    }
    send(res, httpError(404, `Unknown request URL: ${req.method ?? ''} ${path}.`, 'invalid_request_error', 'unknown_url'))
  }

  const server = createServer({ requestTimeout: init.requestReadTimeoutMs }, (req, res) => {
    // a W3C `traceparent` from the client: the mesh calls continue its trace
    const traced = context.with(propagation.extract(context.active(), req.headers), async () => route(req, res))
    traced.catch((err: any) => {
      if (err?.name === 'AbortError' && res.destroyed) {
        return
      }
      if (res.headersSent) {
        init.log.error('request failed after its response began: %s', err?.message)
        res.destroy()
        return
      }
      init.log('request failed: %s: %s', err?.name, err?.message)
      send(res, err instanceof HttpStatus ? err.error : toHttpError(err))
    })
  })
  return server
}

/** An error that already knows its HTTP response (body too large, not JSON). */
class HttpStatus extends Error {
  readonly error: HttpError

  constructor (error: HttpError) {
    super(error.body.error.message)
    this.name = 'HttpStatus'
    this.error = error
  }
}

async function readJson (req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = new HttpStatus(httpError(413, `the request body is larger than ${maxBytes} bytes`, 'invalid_request_error', 'request_too_large'))
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    throw tooLarge
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).byteLength
    if (size > maxBytes) {
      throw tooLarge
    }
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpStatus(httpError(400, 'We could not parse the JSON body of your request.', 'invalid_request_error'))
  }
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

function authorized (req: IncomingMessage, expected: Buffer): boolean {
  const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')
  // compare digests: equal lengths, and no early exit that times the token
  return match != null && timingSafeEqual(digest(match[1]), expected)
}

function notAllowed (req: IncomingMessage, allowed: string): HttpError {
  return httpError(405, `${req.method ?? ''} is not allowed here; use ${allowed}.`, 'invalid_request_error', 'method_not_allowed')
}

function send (res: ServerResponse, error: HttpError): void {
  if (error.status === 413) {
    // the rest of the body is not read: don't reuse the connection
    res.setHeader('connection', 'close')
  }
  sendJson(res, error.status, error.body)
}

function sendJson (res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
