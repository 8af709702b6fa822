/**
 * One trainer peer of the training demo, a process of its own (run.ts
 * starts them): it joins the mesh, hosts the consensus group if it is one
 * of `--members`, trains on its shard of the MNIST digits round after round,
 * and competes for the coordinator lock; the peer holding it coordinates the
 * rounds and writes `--out/model.json` once the last round is committed.
 *
 * With `--standby` it loads, prints `{ "event": "ready" }` and joins the
 * mesh only once it reads a line on stdin (a peer joining late).
 *
 * It prints one JSON object a line on stdout: `{ "event": "peer" }` once
 * on the mesh, `coordinator` when it takes the role, `commit` for each round it
 * commits, `trained` for each round it reported, `done` at the end.
 */
import { parseArgs } from 'node:util'
import { writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createMeshNode, loadIdentity } from '../../node/index.ts'
import { MNIST_SHAPE, initParams, paramCount } from '../../src/compute/mlp.ts'
import { createTrainer } from '../../src/compute/trainer.ts'
import { toModelJson } from '../../src/compute/model-json.ts'
import { createRoundCoordinator, roundKey } from '../../src/compute/round-coordinator.ts'
import { roundClient, runRoundTrainer, serveRoundCoordinator } from '../../src/compute/round-mesh.ts'
import { loadMnist, shard } from './data.ts'
import { TRAINING_DEFAULTS, TRAINING_GROUP, TRAINING_RUN, trainerSeed } from './hyperparameters.ts'
import type { RoundCoordinator, RoundRecord } from '../../src/compute/round-coordinator.ts'
import type { ConsensusGroup, KeyValue, Lock } from '../../src/consensus/types.ts'

/**
 * The coordinator's lock outlives a dead holder by this much: long enough
 * that its keepalives survive the holder's own rounds of training (which
 * hold its event loop) on a busy machine.
 */
const COORDINATOR_LOCK_TTL_MS = 15_000
/** How long one attempt to take the coordinator lock waits before asking again. */
const LOCK_ATTEMPT_MS = 5_000

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
    standby: { type: 'boolean', default: false },
    ws: { type: 'boolean', default: false }
  }
})
const index = Number(values.index)
const shards = Number(values.shards)
const rounds = Number(values.rounds)
const seed = Number(values.seed)
const roundTimeoutMs = Number(values['round-timeout'])
const members = (values.members ?? '').split(',').filter(m => m !== '')
if (![index, shards, rounds, seed, roundTimeoutMs].every(Number.isInteger) || values.bootstrap == null || values.key == null || members.length === 0) {
  console.error('peer.ts takes --index --bootstrap --key --members --shards --rounds --seed --round-timeout (run.ts passes them)')
  process.exit(2)
}
const settings = { ...TRAINING_DEFAULTS, rounds, seed }
const name = `trainer-${index}`
const size = paramCount(MNIST_SHAPE)
const say = (event: string, detail: object = {}): void => { console.log(JSON.stringify({ event, trainer: name, ...detail })) }

const data = loadMnist()
if (values.standby === true) {
  // loaded and waiting: the peer joins the mesh once told to (a line on stdin)
  say('ready')
  await new Promise(resolve => createInterface({ input: process.stdin }).once('line', resolve))
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

/** Waits for the coordinator lock; holding it, coordinates the run from where the group says it is. */
async function coordinate (): Promise<void> {
  while (!stopping.signal.aborted) {
    let lock: Lock
    let committed: KeyValue | undefined
    try {
      // ask again now and then: a wait held by a member that died would never answer
      lock = await group.lock(`${TRAINING_RUN}/coordinator`, { ttlMs: COORDINATOR_LOCK_TTL_MS, timeoutMs: LOCK_ATTEMPT_MS, signal: stopping.signal })
      committed = await group.get(roundKey(TRAINING_RUN))
    } catch (err: any) {
      if (stopping.signal.aborted) return
      if (err.name !== 'TimeoutError') say('group', { message: err.message })
      continue
    }
    const record = committed?.value as RoundRecord | undefined
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
      minTrainers: record == null ? Number(values['min-trainers'] ?? 1) : 1,
      outer: settings.outer,
      roundTimeoutMs,
      rounds,
      onCommit: commit => { say('commit', commit) }
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
    say('done', { version: final.version, ...coordinator.totals() })
    return
  }
}

const client = roundClient(node, TRAINING_RUN, () => coordinator?.handlers, { size, timeoutMs: 4 * roundTimeoutMs })
coordinate().catch((err: Error) => {
  if (!stopping.signal.aborted) say('error', { message: err.message })
})

await runRoundTrainer({
  client,
  trainer,
  name,
  encoding: settings.deltaEncoding,
  signal: stopping.signal,
  onParams: (header, params) => { last = { round: header.round, version: header.version, params } },
  onReport: (round, answer) => { say('trained', { round, ...answer }) }
}).catch((err: Error) => {
  if (!stopping.signal.aborted) say('error', { message: err.message })
})
