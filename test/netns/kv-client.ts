/**
 * A chaos client of a consensus group: joins through the members, then
 * `loops` callers each run put, get and cas on a few keys until SIGUSR2
 * (or `durationMs` at the most), recording every call (wall-clock times, shared by
 * the processes of one machine) for the linearizability checker. With
 * `final: true` it instead reads every key once, linearizably, retrying a
 * read that fails until it answers. Prints `peer <id>`, `{ ev: 'leader' }`
 * lines as its view of the leader changes, and last one `{ ev: 'history' }`.
 *
 * Outcomes: an answer is recorded as returned; a write that rejects with
 * OutcomeUnknownError or TimeoutError (or is still open) may or may not have
 * taken effect; any other rejection (NoLeaderError, ...) means it did not
 * (the group's contract), as does any failed read.
 */
import { createMeshNode } from '../../node/index.ts'
import { recorder } from '../helpers/linearizability/index.ts'
import { seededRng } from '../../src/consensus/raft/rng.ts'
import { emit, peerArgs } from '../chaos/peer-common.ts'
import type { KvInput, KvOutput } from '../helpers/linearizability/index.ts'
import type { ConsensusGroup } from '../../src/consensus/types.ts'

const LEADER_POLL_MS = 250
/** Callers pause this long between calls, to keep histories checkable */
const THINK_MS = 10
const FINAL_RETRY_MS = 200
/** A caller whose write's outcome is unknown (the group is in trouble) waits this long before its next call */
const UNKNOWN_BACKOFF_MS = 500
const STOP_GRACE_MS = 5_000
const UNKNOWN = new Set(['OutcomeUnknownError', 'TimeoutError', 'AbortError'])

const args = peerArgs()
const keys: string[] = args.keys
const opTimeoutMs: number = args.opTimeoutMs
const wallMs = (): number => performance.timeOrigin + performance.now()
const history = recorder<KvInput, KvOutput>(wallMs)
const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

async function call (client: string, group: ConsensusGroup, input: KvInput): Promise<KvOutput | undefined> {
  const rec = history.invoke(client, input)
  const options = { timeoutMs: opTimeoutMs }
  try {
    let out: KvOutput
    switch (input.op) {
      case 'put': out = await group.put(input.key, input.value, options); break
      case 'get': {
        const kv = await group.get(input.key, { ...options, consistency: 'linearizable' })
        out = kv == null ? undefined : { value: kv.value, revision: kv.revision }
        break
      }
      case 'delete': out = await group.delete(input.key, options); break
      case 'cas': out = await group.cas(input.key, input.expected, input.value, options); break
    }
    rec.ok(out)
    return out
  } catch (err: any) {
    if (input.op !== 'get' && UNKNOWN.has(err?.name)) rec.unknown()
    else rec.failed()
    throw err
  }
}

let stopping = false
process.on('SIGUSR2', () => { stopping = true })

async function loop (client: string, group: ConsensusGroup, seed: number, until: number): Promise<void> {
  const rng = seededRng(seed)
  const random = (): number => rng.int(1_000_000) / 1_000_000
  // the revision this caller last saw per key, for its cas
  const seen = new Map<string, number>()
  for (let n = 0; !stopping && wallMs() < until; n++) {
    const key = keys[Math.floor(random() * keys.length)]
    const value = `${client}:${n}`
    const dice = random()
    const input: KvInput = dice < 0.4
      ? { op: 'put', key, value }
      : dice < 0.8 ? { op: 'get', key } : { op: 'cas', key, expected: seen.get(key) ?? 0, value }
    let pause = THINK_MS
    try {
      const out = await call(client, group, input) as any
      if (out != null && out.revision != null && !(input.op === 'cas' && out.ok === false && out.revision === 0)) seen.set(key, out.revision)
      if (input.op === 'get' && out == null) seen.set(key, 0)
    } catch (err: any) {
      // every open write of unknown outcome multiplies the checker's work
      if (UNKNOWN.has(err?.name)) pause = UNKNOWN_BACKOFF_MS
    }
    await sleep(pause)
  }
}

const node = await createMeshNode({ bootstrap: args.bootstrap, host: args.host, webrtc: false })
const group = await node.consensus(args.group, { timeoutMs: opTimeoutMs })
console.log(`peer ${node.peerId}`)
let leader: string | undefined
const poll = setInterval(() => {
  group.status({ timeoutMs: LEADER_POLL_MS * 4 }).then(s => {
    if (s.leader != null && s.leader !== leader) {
      leader = s.leader
      emit({ ev: 'leader', leader, term: s.term, at: wallMs() })
    }
  }, () => {})
}, LEADER_POLL_MS)
if (args.final === true) {
  for (const key of keys) {
    for (;;) {
      try {
        await call('final', group, { op: 'get', key })
        break
      } catch {
        await sleep(FINAL_RETRY_MS)
      }
    }
  }
} else {
  const until = wallMs() + (args.durationMs as number)
  await Promise.all(Array.from({ length: args.loops as number }, async (_, k) => loop(`${args.name as string}.${k}`, group, (args.seed as number) * 100 + k, until)))
}
clearInterval(poll)
emit({ ev: 'history', operations: history.operations() })
// process.exit drops what a pipe has not taken yet, and a history is hundreds of KB: wait until it is written
await new Promise<void>(resolve => { process.stdout.write('', () => { resolve() }) })
// the history is out: a stop that hangs must not keep the process
setTimeout(() => process.exit(0), STOP_GRACE_MS).unref()
await node.stop().catch(() => {})
process.exit(0)
