/**
 * Child process: the meshwork-only requester measurements.
 * `node bench/roles/mesh-client.ts claim BOOTSTRAP PARAMS_JSON`: time to
 *   first chunk through a broadcast claim, and through direct dispatch.
 * `node bench/roles/mesh-client.ts failover BOOTSTRAP PARAMS_JSON`: streams
 *   from the victim (`params.victim`), says when the first chunk arrived (the
 *   parent then SIGKILLs the victim) and when the stream completed elsewhere.
 */
import { childMain, send } from '../lib/child.ts'
import { tokens } from '../lib/payload.ts'
import { summarize } from '../lib/stats.ts'
import { ECHO, GEN, joinAsRequester } from '../systems/meshwork.ts'
import type { MeshNode, StreamOptions } from 'meshwork/node'

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const wallMs = (): number => performance.timeOrigin + performance.now()

async function firstChunkMs (node: MeshNode, options: StreamOptions, n: number): Promise<number> {
  const t0 = performance.now()
  let first = 0
  let count = 0
  for await (const _token of node.stream(GEN, { n }, options)) {
    if (count++ === 0) {
      first = performance.now() - t0
    }
  }
  if (count !== n) {
    throw new Error(`${count} of ${n} chunks`)
  }
  return first
}

async function claim (node: MeshNode, p: { warmup: number, count: number, tokens: number }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  for (const mode of ['broadcast', 'direct'] as const) {
    const samples: number[] = []
    let errors = 0
    for (let i = -p.warmup; i < p.count; i++) {
      try {
        const ms = await firstChunkMs(node, { mode, timeoutMs: 10_000 }, p.tokens)
        if (i >= 0) samples.push(ms)
      } catch {
        errors++
      }
    }
    out[mode] = { ...summarize(samples), errors }
  }
  return out
}

async function failover (node: MeshNode, p: { victim: string, tokens: number }): Promise<Record<string, unknown>> {
  // both task channels open, as for a requester that has used both workers
  for (const peer of node.peers().filter(x => x.services.includes(ECHO)).map(x => x.peerId)) {
    await node.request(ECHO, new Uint8Array(8), { preferPeer: peer })
  }
  const expected = tokens(p.tokens)
  let failoverAt = 0
  let failoverEvent: unknown
  node.addEventListener('task:failover', (evt) => {
    failoverAt = wallMs()
    failoverEvent = evt.detail
  })
  const got: string[] = []
  const stream = node.stream<string>(GEN, { n: p.tokens }, { preferPeer: p.victim, timeoutMs: 30_000 })
  for await (const token of stream) {
    got.push(token)
    if (got.length === 1) {
      send({ type: 'event', name: 'first-chunk', worker: stream.worker })
    }
  }
  const doneAt = wallMs()
  const inOrder = got.length === expected.length && got.every((t, i) => t === expected[i])
  return { doneAt, failoverAt, failoverEvent, received: got.length, inOrder, finalWorker: stream.worker }
}

childMain(async () => {
  const [which, bootstrap, paramsJson] = process.argv.slice(2)
  const params = JSON.parse(paramsJson)
  const node = await joinAsRequester(bootstrap, params.workers ?? 1, GEN)
  const result = which === 'claim' ? await claim(node, params) : await failover(node, params)
  await node.stop()
  send({ type: 'result', ...result })
  process.exit(0)
})
