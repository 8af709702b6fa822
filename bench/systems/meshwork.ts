/**
 * meshwork, used as an application would: workers and requesters are mesh
 * peers that join through a relay (`meshwork relay`, started by the case);
 * the requester learns the workers from presence and dispatches directly.
 */
import { createMeshNode } from 'meshwork/node'
import { tokens } from '../lib/payload.ts'
import type { BenchClient, BenchServer, BenchSystem, ConnectOptions, ServeOptions } from './types.ts'
import type { MeshNode } from 'meshwork/node'

export const ECHO = 'bench-echo'
export const GEN = 'bench-gen'
const JOIN_TIMEOUT_MS = 30_000

/** Serves the bench services on a mesh node. */
export function serveBench (node: MeshNode, concurrency: number): void {
  const words = tokens()
  node.serve(ECHO, async (input: Uint8Array) => input, { concurrency })
  node.serve(GEN, async function * (input: { n: number }, ctx) {
    const count = Math.min(input.n, words.length)
    for (let i = ctx.resume.chunks.length; i < count; i++) {
      yield words[i]
    }
  }, { concurrency, resume: 'continue' })
}

/** A node's metrics option for the bench's `metrics`. */
function metricsOf (metrics: boolean | 'full' | undefined): boolean | { libp2p: 'full' } {
  return metrics === 'full' ? { libp2p: 'full' } : metrics === true
}

async function serve (options: ServeOptions): Promise<BenchServer> {
  const bootstrap = options.bootstrap != null ? [options.bootstrap] : []
  const nodes = await Promise.all(Array.from({ length: options.workers }, async () => createMeshNode({ bootstrap, metrics: metricsOf(options.metrics) })))
  for (const node of nodes) {
    serveBench(node, options.concurrency)
  }
  return {
    info: { peers: nodes.map(n => n.peerId) },
    close: async () => { await Promise.all(nodes.map(async n => { await n.stop() })) }
  }
}

/** Joins as a requester and waits until `workers` workers are known. */
export async function joinAsRequester (bootstrap: string, workers: number, service = ECHO, metrics: boolean | 'full' = false): Promise<MeshNode> {
  const node = await createMeshNode({ bootstrap: [bootstrap], metrics: metricsOf(metrics) })
  try {
    await node.waitForWorkers(service, workers, { timeoutMs: JOIN_TIMEOUT_MS })
  } catch (err: any) {
    const known = node.peers().map(p => `${p.peerId} ${p.state} [${p.services.join(',')}]`)
    await node.stop()
    throw new Error(`${err.message}; peers known: ${known.join('; ')}`, { cause: err })
  }
  return node
}

async function connect (_info: Record<string, unknown>, options: ConnectOptions): Promise<BenchClient> {
  const node = await joinAsRequester(options.bootstrap!, options.workers, ECHO, options.metrics ?? false)
  return {
    call: async (payload) => node.request(ECHO, payload),
    // the echo handler returns its input: a JSON value comes back re-encoded by the worker
    callJson: async (value) => node.request(ECHO, value),
    stream: async (count, onChunk) => {
      for await (const token of node.stream<string>(GEN, { n: count })) {
        onChunk(token)
      }
    },
    fanout: async (payload) => {
      const replies = await node.broadcast(ECHO, payload)
      return replies.filter(r => r.ok).length
    },
    close: async () => { await node.stop() }
  }
}

export const meshwork: BenchSystem = { serve, connect }
