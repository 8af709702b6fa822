/**
 * A worker for chaos runs, as a child process. Serves
 * - `llm`: the demo model (streams tokens, resumes with `continue`),
 * - `work`: a single reply after `workMs`, a pure function of the input
 *   (with `spinOnceMs`, one of them then blocks the process that long),
 * - `echo`: the input back.
 * Prints `peer <id>`, then an event when a handler begins (`began`) and
 * ends (`ran`), and its view of other peers' liveness.
 *
 * Usage: node peer-worker.ts '{"bootstrap":["/ip4/…"],"concurrency":32}'
 */
import { createMeshNode } from '../../node/index.ts'
import { demoLlm } from '../../src/models/demo-llm.ts'
import type { DemoLlmInput } from '../../src/models/demo-llm.ts'
import type { Handler, HandlerContext } from '../../src/types.ts'
import { emit, peerArgs, reportPeerEvents, stopOnSignal } from './peer-common.ts'
import { taskIndex, workAnswer } from './workload.ts'

const args = peerArgs()
const node = await createMeshNode({ ...args.mesh, bootstrap: args.bootstrap, host: args.host, port: args.port ?? 0, webrtc: false })
const concurrency: number = args.concurrency ?? 32
const workMs: number = args.workMs ?? 50
const serveOptions = { concurrency, maxQueue: args.maxQueue }
const llm = demoLlm({ tokenDelayMs: args.tokenDelayMs ?? 20 })
node.serve('llm', observed(async function * (input: DemoLlmInput, ctx: HandlerContext) {
  yield * llm(input, ctx) as AsyncIterable<string>
}), { ...serveOptions, resume: 'continue' })
/** With `spinOnceMs`, one job (past the first `spinAfter`) ends with that long a busy loop: a moment it surely runs code */
let spinAfter: number = args.spinOnceMs != null ? (args.spinAfter ?? 10) : Infinity
node.serve('work', observed(async (input: { n: number }, ctx: HandlerContext) => {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, workMs)
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason) }, { once: true })
  })
  if (spinAfter-- === 0) {
    emit({ ev: 'spinning', task: ctx.taskId, at: Date.now() })
    const until = Date.now() + args.spinOnceMs
    while (Date.now() < until) {}
  }
  return workAnswer(input.n)
}), serveOptions)
node.serve('echo', async (input: unknown) => input, serveOptions)

/**
 * Reports each run of a handler: `began` when it is called, `ran` when it
 * finished (ok) or threw, with the task number from its input.
 */
function observed (handler: (input: any, ctx: HandlerContext) => any): Handler {
  if (args.reportRuns === false) {
    return handler
  }
  const report = (ev: string, input: unknown, ctx: HandlerContext, ok?: boolean): void => {
    emit({ ev, i: taskIndex(input), task: ctx.taskId, req: ctx.requester, attempt: ctx.attempt, ok, at: Date.now() })
  }
  return (input, ctx) => {
    report('began', input, ctx)
    const out = handler(input, ctx)
    if (typeof out?.[Symbol.asyncIterator] === 'function') {
      return (async function * () {
        let ok = false
        try {
          yield * out
          ok = !ctx.signal.aborted
        } finally {
          report('ran', input, ctx, ok)
        }
      })()
    }
    return Promise.resolve(out).then(value => {
      report('ran', input, ctx, !ctx.signal.aborted)
      return value
    }, err => {
      report('ran', input, ctx, false)
      throw err
    })
  }
}
reportPeerEvents(node)
console.log(`peer ${node.peerId}`)
stopOnSignal(node)
