/**
 * One trainer peer of the training demo, a process of its own (run.ts
 * starts them): it joins the mesh, hosts the consensus group if it is one
 * of `--members`, trains on its shard of the MNIST digits round after round,
 * and competes for the coordinator lock; the peer holding it coordinates the
 * rounds and writes `--out/model.json` once the last round is committed.
 *
 * It takes commands from the runner, one a line on stdin: with `--standby`
 * it loads, prints `{ "event": "ready" }` and joins the mesh only once it
 * reads `join` (a peer joining late). With `--pause-at K,L,...`, once it
 * has taken the parameters of round K (or a later one) and trained on them,
 * it prints `paused` and reports only once it reads `go`, and so on for L:
 * the runner SIGKILLs the trainers it picks at that well-defined point, in
 * the middle of the round, or waits there for a late peer to join.
 *
 * It prints one JSON object a line on stdout: `{ "event": "peer" }` once
 * on the mesh, `coordinator` when it takes the role, `commit` for each round it
 * commits, `trained` for each round it reported, `done` at the end (with
 * the round records as the group holds them).
 */
import { parseArgs } from 'node:util'
import { writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createMeshNode, loadIdentity } from '../../node/index.ts'
import { MNIST_SHAPE, accuracy, initParams, paramCount } from '../../src/compute/mlp.ts'
import { createTrainer } from '../../src/compute/trainer.ts'
import { toModelJson } from '../../src/compute/model-json.ts'
import { createRoundCoordinator, roundHistory, roundKey } from '../../src/compute/round-coordinator.ts'
import { roundClient, runRoundTrainer, serveRoundCoordinator } from '../../src/compute/round-mesh.ts'
import { loadMnist, shard } from './data.ts'
import { TRAINING_DEFAULTS, TRAINING_GROUP, TRAINING_RUN, trainerSeed } from './hyperparameters.ts'
import { LOCK_WAIT_MS } from '../../src/consensus/constants.ts'
import type { RoundCoordinator, RoundRecord } from '../../src/compute/round-coordinator.ts'
import type { RoundClient } from '../../src/compute/round-mesh.ts'
import type { ConsensusGroup, KeyValue, Lock } from '../../src/consensus/types.ts'

/**
 * The coordinator's lock outlives a dead holder by this much: long enough
 * that its keepalives survive the holder's own rounds of training (which
 * hold its event loop) on a busy machine.
 */
const COORDINATOR_LOCK_TTL_MS = 10_000
/**
 * How long one attempt to take the coordinator lock waits before asking
 * again. A member answers a waiter within LOCK_WAIT_MS; a wait held by a
 * member that died is never answered, so each attempt is bounded and the
 * next one asks a live member.
 */
const LOCK_ATTEMPT_MS = 3 * LOCK_WAIT_MS

const { values } = parseArgs({
  options: {
    index: { type: 'string' },
    bootstrap: { type: 'string' },
    key: { type: 'string' },
    members: { type: 'string' },
    shards: { type: 'string' },
    'min-trainers': { type: 'string' },
    rounds: { type: 'string' },
    seed: { type: 'string' },
    'round-timeout': { type: 'string' },
    out: { type: 'string' },
    'pause-at': { type: 'string' },
    'until-accuracy': { type: 'string' },
    standby: { type: 'boolean', default: false },
    ws: { type: 'boolean', default: false }
  }
})
const index = Number(values.index)
const shards = Number(values.shards)
const rounds = Number(values.rounds)
const seed = Number(values.seed)
const roundTimeoutMs = Number(values['round-timeout'])
/** Rounds to pause in before reporting, soonest first */
const pauseAt = (values['pause-at'] ?? '').split(',').filter(r => r !== '').map(Number).sort((a, b) => a - b)
const untilAccuracy = values['until-accuracy'] == null ? undefined : Number(values['until-accuracy'])
const members = (values.members ?? '').split(',').filter(m => m !== '')
if (![index, shards, rounds, seed, roundTimeoutMs, ...pauseAt].every(Number.isInteger) || values.bootstrap == null || values.key == null || members.length === 0) {
  console.error('peer.ts takes --index --bootstrap --key --members --shards --rounds --seed --round-timeout (run.ts passes them)')
  process.exit(2)
}
const settings = { ...TRAINING_DEFAULTS, rounds, seed }
const name = `trainer-${index}`
const size = paramCount(MNIST_SHAPE)
const say = (event: string, detail: object = {}): void => { console.log(JSON.stringify({ event, trainer: name, ...detail })) }

/** Resolves when the runner's next line on stdin is `command` (lines are read one at a time, in order). */
const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
async function command (word: string): Promise<void> {
  for (;;) {
    const line = await commands.next()
    if (line.done === true) return await new Promise(() => {})
    if (line.value.trim() === word) return
  }
}

const data = loadMnist()
if (values.standby === true) {
  // loaded and waiting: the peer joins the mesh once told to
  say('ready')
  await command('join')
}
// with --ws browser tabs reach this peer (and the coordinator's services on it) over WebSockets
const listen = values.ws === true ? ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] : undefined
const node = await createMeshNode({ bootstrap: [values.bootstrap as string], privateKey: await loadIdentity(values.key), webrtc: false, listen })
const stopping = new AbortController()
const shutdown = (): void => {
  stopping.abort()
  coordinator?.stop()
  void node.stop().finally(() => process.exit(0))
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)

const group: ConsensusGroup = members.includes(node.peerId)
  ? await node.consensus(TRAINING_GROUP, { members })
  : await node.consensus(TRAINING_GROUP)
say('peer', { peerId: node.peerId, member: members.includes(node.peerId) })

const trainer = createTrainer({
  shape: MNIST_SHAPE,
  shard: shard(data.train, shards, seed)[index],
  innerSteps: settings.innerSteps,
  batchSize: settings.batchSize,
  optimiser: settings.inner,
  seed: trainerSeed(seed, index)
})
/** The last parameters this trainer was sent, from which it can take over coordinating */
let last: { round: number, version: number, params: Float32Array } | undefined
let coordinator: RoundCoordinator | undefined
/** The test accuracy of the last committed model, with `--until-accuracy` */
let scored: { round: number, accuracy: number } | undefined

/** Waits for the coordinator lock; holding it, coordinates the run from where the group says it is. */
async function coordinate (): Promise<void> {
  while (!stopping.signal.aborted) {
    let lock: Lock
    let committed: KeyValue | undefined
    try {
      // each attempt bounded: a wait held by a member that died would never answer
      lock = await group.lock(`${TRAINING_RUN}/coordinator`, { ttlMs: COORDINATOR_LOCK_TTL_MS, timeoutMs: LOCK_ATTEMPT_MS, signal: stopping.signal })
      committed = await group.get(roundKey(TRAINING_RUN))
    } catch (err: any) {
      if (stopping.signal.aborted) return
      if (err.name !== 'TimeoutError') say('group', { message: err.message })
      continue
    }
    const record = committed?.value as RoundRecord | undefined
    // the run is over: nothing left to coordinate
    if (record?.done === true) return
    const resumable = record == null || (last != null && last.round === record.round + 1 && last.version === record.version)
    if (!resumable) {
      // a coordinator needs the committed parameters; this trainer has not got them yet
      await lock.release()
      await new Promise(resolve => setTimeout(resolve, 500))
      continue
    }
    coordinator = createRoundCoordinator({
      run: TRAINING_RUN,
      peerId: node.peerId,
      group,
      token: lock.token,
      params: record == null ? initParams(MNIST_SHAPE, seed) : (last as { params: Float32Array }).params,
      round: record == null ? 0 : record.round + 1,
      version: record?.version ?? 0,
      revision: committed?.revision ?? 0,
      totals: record?.totals,
      // taking over: wait (a round timeout at most) for the trainers the last
      // commit expected, but the one that died with the old coordinator
      minTrainers: record == null ? Number(values['min-trainers'] ?? 1) : Math.max(1, record.trainers.length - 1),
      startTimeoutMs: record == null ? undefined : roundTimeoutMs,
      outer: settings.outer,
      roundTimeoutMs,
      rounds,
      // with a target, each committed model is scored on the test set and the run ends once it is met
      until: untilAccuracy == null
        ? undefined
        : (round, params) => {
            scored = { round, accuracy: accuracy(MNIST_SHAPE, params, data.test) }
            return scored.accuracy >= untilAccuracy
          },
      onCommit: commit => { say('commit', { ...commit, ...(scored?.round === commit.round ? { accuracy: scored.accuracy } : {}) }) }
    })
    const unserve = serveRoundCoordinator(node, TRAINING_RUN, coordinator)
    // this peer's own trainer may be waiting on the old coordinator: it asks here now
    client.interrupt()
    say('coordinator', { token: lock.token, round: record == null ? 0 : record.round + 1 })
    // fenced off: stop serving and wait for the lock again; once done, keep
    // serving the final parameters to trainers that ask for them
    const final = await coordinator.finished.catch(() => undefined)
    if (final == null) {
      unserve()
      coordinator = undefined
      continue
    }
    if (values.out != null) {
      const path = join(values.out, 'model.json')
      await writeFile(`${path}.tmp`, JSON.stringify(toModelJson(MNIST_SHAPE, final.params)))
      await rename(`${path}.tmp`, path)
    }
    // a watch from the only member of a group, to itself, gets no answer: the runner then has the commits it heard
    const history = await roundHistory(group, TRAINING_RUN, final.revision, { signal: stopping.signal }).catch((err: Error) => {
      say('group', { message: err.message })
      return undefined
    })
    say('done', { version: final.version, ...coordinator.totals(), history: history?.map(r => ({ round: r.round, included: r.included, leftOut: r.leftOut, coordinator: r.coordinator, token: r.token })) })
    return
  }
}

const client = roundClient(node, TRAINING_RUN, () => coordinator?.handlers, { size, timeoutMs: 4 * roundTimeoutMs })
/** The round whose parameters this trainer last took */
let taking = -1
/** Reports through `client`, pausing before the first report of each round of `--pause-at` (or a later one) */
const reporting: RoundClient = {
  async join (trainer, opts) {
    const answer = await client.join(trainer, opts)
    say('joined', answer)
    return answer
  },
  params: async (round, opts) => client.params(round, opts),
  async report (bytes, opts) {
    if (pauseAt.length > 0 && taking >= pauseAt[0]) {
      const at = pauseAt.shift()
      say('paused', { round: taking, at })
      await command('go')
    }
    return client.report(bytes, opts)
  }
}
coordinate().catch((err: Error) => {
  if (!stopping.signal.aborted) say('error', { message: err.message })
})

await runRoundTrainer({
  client: reporting,
  trainer,
  name,
  encoding: settings.deltaEncoding,
  signal: stopping.signal,
  onParams: (header, params) => {
    last = { round: header.round, version: header.version, params }
    taking = header.round
  },
  onReport: (round, answer) => { say('trained', { round, ...answer }) }
}).catch((err: Error) => {
  if (!stopping.signal.aborted) say('error', { message: err.message })
})
