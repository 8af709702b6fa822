/**
 * A requester for chaos runs, as a child process. Sends tasks (a mix of
 * LLM streams, LLM requests and short jobs; see workload.ts) with a bounded
 * number in flight (`inFlight`), or open loop at `rate` a second, checks
 * each reply's content, and prints an `out` event per outcome it was handed,
 * its node's dispatches (`dispatch`) and settlements (`done`), its failovers
 * and its view of other peers.
 *
 * With `journal` (a directory) and `key` (a file), calls are journaled and
 * the identity survives a restart; with `recover: true` it sends nothing
 * new and runs what the journal still holds (`node.recover()`).
 *
 * Usage: node peer-requester.ts '{"bootstrap":["/ip4/…"],"workers":3,"tasks":100}'
 */
import { createMeshNode, levelJournal, loadIdentity } from '../../node/index.ts'
import { emit, peerArgs, recordTo, reportPeerEvents } from './peer-common.ts'
import { isRightAnswer, taskIndex, taskSpec } from './workload.ts'
import type { TaskSpec } from './workload.ts'
import type { MeshNode, RecoveredTask } from '../../src/types.ts'

const args = peerArgs()
if (args.record != null) {
  recordTo(args.record)
}
const journal = args.journal != null ? await levelJournal(args.journal) : undefined
const node: MeshNode = await createMeshNode({
  ...args.mesh,
  bootstrap: args.bootstrap,
  host: args.host,
  port: args.port ?? 0,
  webrtc: false,
  journal,
  privateKey: args.key != null ? await loadIdentity(args.key) : undefined
})
reportPeerEvents(node)
node.addEventListener('task:failover', e => {
  emit({ ev: 'failover', task: e.detail.taskId, from: e.detail.from, to: e.detail.peerId, reason: e.detail.reason, at: Date.now() })
})
// every dispatch and every settlement, so duplicates can be counted where they could happen
node.addEventListener('task:dispatch', e => { emit({ ev: 'dispatch', task: e.detail.taskId, attempt: e.detail.attempt, to: e.detail.peerId, at: Date.now() }) })
node.addEventListener('task:done', e => { emit({ ev: 'done', task: e.detail.taskId, ok: e.detail.ok, at: Date.now() }) })
const timeoutMs: number = args.timeoutMs ?? 120_000
const callOptions = { timeoutMs, maxAttempts: args.maxAttempts }
const services: string[] = args.services ?? ['llm', 'work']
for (const service of services) {
  await node.waitForWorkers(service, args.workers ?? 1, { timeoutMs: 30_000 })
}
console.log(`peer ${node.peerId}`)

function report (spec: TaskSpec, startedAt: number, outcome: { value?: unknown, error?: any }, recovered = false): void {
  const ms = Date.now() - startedAt
  if (outcome.error != null) {
    emit({ ev: 'out', i: spec.i, kind: spec.kind, ok: false, err: outcome.error.name ?? 'Error', msg: String(outcome.error.message ?? ''), ms, recovered })
  } else {
    emit({ ev: 'out', i: spec.i, kind: spec.kind, ok: true, right: isRightAnswer(spec, outcome.value), ms, recovered })
  }
}

/** Runs one task; `started` is told once the call was made (and, with a journal, recorded). */
async function runTask (spec: TaskSpec, started: () => void): Promise<void> {
  const startedAt = Date.now()
  try {
    if (spec.kind === 'stream') {
      const stream = node.stream(spec.service, spec.input, callOptions)
      started()
      const tokens: unknown[] = []
      for await (const token of stream) {
        tokens.push(token)
      }
      report(spec, startedAt, { value: tokens })
    } else {
      const result = node.request(spec.service, spec.input, callOptions)
      started()
      report(spec, startedAt, { value: await result })
    }
  } catch (error) {
    report(spec, startedAt, { error })
  }
}

async function settleRecovered (task: RecoveredTask): Promise<void> {
  const i = taskIndex(task.input)
  const spec = taskSpec(i, args.streamEvery, args.only)
  const startedAt = Date.now()
  try {
    if (task.stream != null) {
      const tokens: unknown[] = []
      for await (const token of task.stream) {
        tokens.push(token)
      }
      report(spec, startedAt, { value: tokens }, true)
    } else {
      report(spec, startedAt, { value: await task.result }, true)
    }
  } catch (error) {
    report(spec, startedAt, { error }, true)
  }
}

let sent = 0
if (args.recover === true) {
  const tasks = await node.recover()
  emit({ ev: 'recovering', count: tasks.length, at: Date.now() })
  sent = tasks.length
  await Promise.all(tasks.map(settleRecovered))
} else if (args.rate != null) {
  // open loop: `rate` tasks a second whatever comes back, for `durationMs`
  const until = Date.now() + args.durationMs
  const running: Array<Promise<void>> = []
  let next: number = args.firstTask ?? 0
  emit({ ev: 'start', at: Date.now() })
  const startedAt = Date.now()
  const tickMs = 10
  while (Date.now() < until) {
    // as many as the rate says by now, however late this tick ran
    const due = Math.floor((Date.now() - startedAt) * args.rate / 1000) - sent
    for (let k = 0; k < due; k++) {
      sent++
      running.push(runTask(taskSpec(next++, args.streamEvery, args.only), () => {}))
    }
    await new Promise(resolve => setTimeout(resolve, tickMs))
  }
  await Promise.all(running)
} else {
  // a pool: `inFlight` tasks at once, until `tasks` were sent or `durationMs` passed
  const total: number = args.tasks ?? Infinity
  const until = Date.now() + (args.durationMs ?? Infinity)
  const inFlight: number = args.inFlight ?? 32
  let next: number = args.firstTask ?? 0
  const last = next + total
  emit({ ev: 'start', at: Date.now() })
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < last && Date.now() < until) {
      sent++
      const spec = taskSpec(next++, args.streamEvery, args.only)
      await runTask(spec, () => {
        if (args.reportSent === true) {
          emit({ ev: 'sent', i: spec.i })
        }
      })
    }
  }))
}
emit({ ev: 'end', at: Date.now(), sent })
await node.stop()
await journal?.close()
process.exit(0)
