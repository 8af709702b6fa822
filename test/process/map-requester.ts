/**
 * A requester that runs one journaled `map` job of the `work` service and
 * reports each result it is handed (`out`, recorded synchronously so a
 * SIGKILL cannot cost it), then `end` with what `all()` gave. Run again with
 * the same `journal` and `key` after a kill, it re-opens the job.
 *
 * Usage: node map-requester.ts '{"bootstrap":[…],"journal":DIR,"key":FILE,"record":FILE,"tasks":40}'
 */
import { createMeshNode, levelJournal, loadIdentity } from '../../node/index.ts'
import { emit, peerArgs, recordTo } from '../chaos/peer-common.ts'
import { workAnswer } from '../chaos/workload.ts'

const args = peerArgs()
recordTo(args.record)
const journal = await levelJournal(args.journal)
const node = await createMeshNode({ bootstrap: args.bootstrap, host: '127.0.0.1', port: 0, webrtc: false, journal, privateKey: await loadIdentity(args.key) })
node.addEventListener('task:dispatch', e => { emit({ ev: 'dispatch', task: e.detail.taskId, to: e.detail.peerId }) })
await node.waitForWorkers('work', args.workers ?? 1, { timeoutMs: 30_000 })
console.log(`peer ${node.peerId}`)

const inputs = Array.from({ length: args.tasks }, (_, n) => ({ n }))
const job = node.map<string>('work', inputs, { concurrency: args.concurrency ?? 8, timeoutMs: 60_000, journal: { id: 'work-job' } })
emit({ ev: 'start' })
try {
  for await (const { index, value } of job) {
    emit({ ev: 'out', index, right: value === workAnswer(index), done: job.progress.done })
  }
  const values = await job.all()
  emit({ ev: 'end', count: values.length, right: values.every((v, n) => v === workAnswer(n)) })
} catch (err: any) {
  emit({ ev: 'failed', err: err.name, msg: err.message })
}
await node.stop()
await journal.close()
process.exit(0)
