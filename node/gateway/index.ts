/**
 * An OpenAI-compatible HTTP API into the mesh. Any OpenAI client (the
 * `openai` npm package, LangChain, curl) points its base URL at the
 * gateway; each chat completion runs as an `llm.chat` task on a worker
 * announcing the requested model and streams back token by token.
 *
 * - `POST /v1/chat/completions`, with and without `stream: true`, with
 *   tools (only to workers whose model takes them) and sampling options
 * - `POST /v1/embeddings`: `llm.embed`, a large batch split over the
 *   model's live workers
 * - `GET /v1/models` and `GET /v1/models/{id}`: the models live in the mesh now
 * - errors in OpenAI's shape: 400 bad request, 401 wrong token, 503 no
 *   worker for the model, 504 deadline passed
 * - `x-meshwork-peer`: the worker that started the answer
 *
 * The gateway is a mesh peer like any other; several gateways on
 * different peers serve the same mesh.
 *
 * @example
 * ```ts
 * import { createGateway, createMeshNode } from 'meshwork/node'
 *
 * const node = await createMeshNode({ bootstrap: [relayAddr] })
 * const gateway = await createGateway({ node, port: 8400 })
 * // new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' })
 * await gateway.close()
 * await node.stop()
 * ```
 */
import { logger } from '@libp2p/logger'
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import {
  DEFAULT_COMPLETION_TIMEOUT_MS, DEFAULT_GATEWAY_HOST, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_COMPLETIONS,
  DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_EMBEDDING_INPUTS, DEFAULT_STALL_TIMEOUT_MS, MAX_TRACKED_DISPATCHES, REQUEST_READ_TIMEOUT_MS
} from './constants.ts'
import { createGatewayServer } from './server.ts'
import { Affinity } from './sticky.ts'
import type { MeshNode, TaskEvent } from '../../src/types.ts'
import type { AddressInfo } from 'node:net'

export { PEER_HEADER } from './completions.ts'
export type { ModelEntry } from './models.ts'
export type { OpenAIErrorBody } from './errors.ts'

export interface GatewayInit {
  /** The mesh peer the gateway sends its tasks from */
  node: MeshNode
  /** HTTP port. Default 0 (any free port) */
  port?: number
  /** Interface to listen on. Default 127.0.0.1 */
  host?: string
  /** When set, every request must carry `Authorization: Bearer <token>` */
  token?: string
  /** Deadline of one completion, across attempts. Default 300 s */
  timeoutMs?: number
  /** No token for this long moves the answer to another worker. Default 60 s */
  stallTimeoutMs?: number
  /** Largest request body. Default 1 MiB */
  maxBodyBytes?: number
  /** Completions in flight at once. Default 1024 */
  maxCompletions?: number
  /** Conversations remembered for sticky routing. Default 10,000 */
  maxConversations?: number
  /** Texts one embeddings request may hold; more get 400. Default 2048 */
  maxEmbeddingInputs?: number
}

export interface Gateway {
  /** `http://host:port`; the OpenAI base URL is this plus `/v1` */
  readonly url: string
  readonly port: number
  /** Stops listening and ends the completions in flight (the mesh node stays up). */
  close(): Promise<void>
}

/** Starts an OpenAI-compatible HTTP server in front of a mesh node. */
export async function createGateway (init: GatewayInit): Promise<Gateway> {
  const { node } = init
  const log = logger('meshwork:gateway')
  // the first worker of each task, read when its first token arrives
  const dispatched = new Map<string, string>()
  const onDispatch = (evt: CustomEvent<TaskEvent>): void => {
    const { taskId, peerId, service } = evt.detail
    if (service !== LLM_CHAT_SERVICE) {
      return
    }
    dispatched.delete(taskId)
    dispatched.set(taskId, peerId)
    if (dispatched.size > MAX_TRACKED_DISPATCHES) {
      dispatched.delete(dispatched.keys().next().value as string)
    }
  }
  node.addEventListener('task:dispatch', onDispatch)

  const server = createGatewayServer({
    node,
    log,
    affinity: new Affinity(init.maxConversations ?? DEFAULT_MAX_CONVERSATIONS),
    timeoutMs: init.timeoutMs ?? DEFAULT_COMPLETION_TIMEOUT_MS,
    stallTimeoutMs: init.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    token: init.token,
    maxBodyBytes: init.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxCompletions: init.maxCompletions ?? DEFAULT_MAX_COMPLETIONS,
    maxEmbeddingInputs: init.maxEmbeddingInputs ?? DEFAULT_MAX_EMBEDDING_INPUTS,
    requestReadTimeoutMs: REQUEST_READ_TIMEOUT_MS,
    dispatchedTo: (taskId) => dispatched.get(taskId),
    forget: (taskId) => { dispatched.delete(taskId) }
  })
  const host = init.host ?? DEFAULT_GATEWAY_HOST
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(init.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    node.removeEventListener('task:dispatch', onDispatch)
    throw err
  }
  const port = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  log('listening on %s:%d', host, port)
  return {
    url: `http://${shown}:${port}`,
    port,
    close: async () => {
      node.removeEventListener('task:dispatch', onDispatch)
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      server.closeAllConnections()
      await closed
    }
  }
}
