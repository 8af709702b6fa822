/**
 * A worker for chaos runs, as a child process. Serves
 * - `llm`: the demo model (streams tokens, resumes with `continue`),
 * - `work`: a single reply after `workMs`, a pure function of the input,
 * - `echo`: the input back.
 * Prints `peer <id>`, then an event per finished task (`ran`) and its view
 * of other peers' liveness.
 *
 * Usage: node peer-worker.ts '{"bootstrap":["/ip4/…"],"concurrency":32}'
 */
import { createMeshNode } from 'meshwork/node'
import { demoLlm } from '../../src/models/demo-llm.ts'
import { emit, peerArgs, reportPeerEvents, stopOnSignal } from './peer-common.ts'
import { workAnswer } from './workload.ts'

const args = peerArgs()
const node = await createMeshNode({ ...args.mesh, bootstrap: args.bootstrap, host: args.host, port: args.port ?? 0, webrtc: false })
const concurrency: number = args.concurrency ?? 32
const workMs: number = args.workMs ?? 50
node.serve('llm', demoLlm({ tokenDelayMs: args.tokenDelayMs ?? 20 }), { resume: 'continue', concurrency, maxQueue: args.maxQueue })
node.serve('work', async (input: { n: number }, ctx) => {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, workMs)
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason) }, { once: true })
  })
  return workAnswer(input.n)
}, { concurrency, maxQueue: args.maxQueue })
node.serve('echo', async (input: unknown) => input, { concurrency, maxQueue: args.maxQueue })
if (args.reportRuns !== false) {
  node.addEventListener('work:end', e => {
    emit({ ev: 'ran', task: e.detail.taskId, req: e.detail.peerId, service: e.detail.service, attempt: e.detail.attempt, ok: e.detail.ok })
  })
}
reportPeerEvents(node)
console.log(`peer ${node.peerId}`)
stopOnSignal(node)
