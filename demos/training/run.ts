/**
 * `npm run demo:train -- --workers N --kill K [--kill-coordinator] --join J --out DIR [--browser B] [--seed S] [--rounds R] [--round-timeout MS] [--until-accuracy A]`
 *
 * Data-parallel training of a 784-64-10 MLP on the MNIST digits across a
 * mesh of trainer processes, DiLoCo-style: this process starts a bootstrap
 * peer and N trainers (the first three host the consensus group), kills K
 * of them with SIGKILL in the middle of the round at 40% of the run (with
 * `--kill-coordinator`, the coordinator first), starts J more a round
 * later, and once the last round is committed writes `DIR/model.json` (from
 * the coordinator) and `DIR/report.json`.
 *
 * With `--until-accuracy A` the coordinator scores each committed model on
 * the test set and the run ends once one scores A or more (at most R
 * rounds); the report then tells how long that took.
 *
 * The kills land at a well-defined point: every trainer, once it has
 * trained on the parameters of the kill round and before it reports, waits
 * for this process to say `go`; the victims are SIGKILLed there instead.
 * In the round after, the trainers wait the same way until the late ones
 * have joined, so that these train from the next round on however long
 * their start took.
 *
 * With `--browser B` it also serves the training page and prints its URL:
 * each of the first B tabs that open it trains as `browser-0`, `browser-1`,
 * … on a shard of its own, and the first round waits for all of them.
 */
import { parseArgs } from 'node:util'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshNode } from '../../node/index.ts'
import { MNIST_SHAPE, accuracy, initParams, paramCount } from '../../src/compute/mlp.ts'
import { createTrainer } from '../../src/compute/trainer.ts'
import { parseModelJson } from '../../src/compute/model-json.ts'
import { everyStepBytes } from '../../src/compute/traffic.ts'
import { loadMnist, shard } from './data.ts'
import { TRAINING_DEFAULTS, TRAINING_RUN, trainerSeed } from './hyperparameters.ts'
import { startTrainer, stopTrainers, trainerIdentity } from './peers.ts'
import { buildTrainingPage, serveTrainingPage } from './browser-trainers.ts'
import type { TrainingPage } from './browser-trainers.ts'
import type { PeerEvent, TrainerProcess } from './peers.ts'

/** Peers hosting the consensus group (the first ones started). */
const GROUP_MEMBERS = 3
/** Share of the rounds after which the kills land. */
const KILL_AT = 0.4
/** Default round timeout: a healthy trainer on a busy machine is never this late. */
const DEFAULT_ROUND_TIMEOUT_MS = 20_000
/** Browser places a run offers at most. */
const MAX_BROWSERS = 16

const usage = 'npm run demo:train -- --workers N --kill K [--kill-coordinator] --join J --out DIR [--browser B] [--seed S] [--rounds R] [--round-timeout MS] [--until-accuracy A]'
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    kill: { type: 'string', default: '0' },
    'kill-coordinator': { type: 'boolean', default: false },
    join: { type: 'string', default: '0' },
    browser: { type: 'string', default: '0' },
    out: { type: 'string' },
    seed: { type: 'string', default: String(TRAINING_DEFAULTS.seed) },
    rounds: { type: 'string', default: String(TRAINING_DEFAULTS.rounds) },
    'round-timeout': { type: 'string', default: String(DEFAULT_ROUND_TIMEOUT_MS) },
    'until-accuracy': { type: 'string' }
  }
})
const [workers, kill, joiners, browsers, seed, rounds, roundTimeoutMs] = [values.workers, values.kill, values.join, values.browser, values.seed, values.rounds, values['round-timeout']].map(Number)
const members = Math.min(GROUP_MEMBERS, workers)
const killRound = Math.max(1, Math.floor(KILL_AT * rounds))
const joinRound = killRound + 1
const killCoordinator = values['kill-coordinator'] === true
const untilAccuracy = values['until-accuracy'] == null ? undefined : Number(values['until-accuracy'])
const problem = values.out == null
  ? '--out DIR is required'
  : ![workers, kill, joiners, browsers, seed, rounds, roundTimeoutMs].every(Number.isInteger) || workers < 1 || kill < 0 || joiners < 0 || browsers < 0 || browsers > MAX_BROWSERS || rounds < 1 || roundTimeoutMs < 1
    ? `the counts are integers: workers and rounds >= 1, kill and join >= 0, browser from 0 to ${MAX_BROWSERS}`
    : kill >= workers
      ? '--kill must leave at least one worker'
      : killCoordinator && kill < 1
        ? '--kill-coordinator needs --kill 1 or more'
        : untilAccuracy != null && !(untilAccuracy > 0 && untilAccuracy <= 1)
          ? '--until-accuracy is a fraction in (0, 1]'
          : kill > workers - members + Math.floor((members - 1) / 2)
        ? `--kill ${kill} would take the consensus group (the first ${members} workers) below a majority`
        : (kill > 0 || joiners > 0) && joinRound >= rounds
          ? `--rounds ${rounds} is too few for kills and joins (at least ${joinRound + 1})`
          : undefined
if (problem != null) {
  console.error(`${problem}\nusage: ${usage}`)
  process.exit(2)
}
const out = values.out as string
await mkdir(join(out, 'peers'), { recursive: true })

const startedAt = Date.now()
// tabs reach the hub and the trainers over WebSockets
const hub = await createMeshNode({ webrtc: false, listen: browsers > 0 ? ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] : undefined })
const bootstrap = hub.addrs().find(a => a.includes('/tcp/') && !a.includes('/ws')) as string
const identities = await Promise.all(Array.from({ length: workers + joiners }, async (_, i) => trainerIdentity(join(out, 'peers'), i)))
const shards = workers + joiners + browsers
const args = [
  '--bootstrap', bootstrap,
  '--members', identities.slice(0, members).map(id => id.peerId).join(','),
  '--shards', String(shards),
  '--min-trainers', String(workers + browsers),
  '--rounds', String(rounds),
  '--seed', String(seed),
  '--round-timeout', String(roundTimeoutMs),
  '--out', out,
  ...(browsers > 0 ? ['--ws'] : []),
  ...(untilAccuracy == null ? [] : ['--until-accuracy', String(untilAccuracy)])
]

const processes: TrainerProcess[] = []
const killed: TrainerProcess[] = []
const joined: TrainerProcess[] = []
let coordinator: string | undefined
/** The coordinators of the run in turn, with their lock's fencing token */
const coordinators: Array<{ trainer: string, token: number, fromRound: number }> = []
/** Trainers waiting at each pause point (the kill round, the round the late trainers join in) */
const paused = new Map<number, Set<string>>()
/** The commits the coordinators printed, by round (the group's history is read at the end instead when it can be) */
const heard = new Map<number, { round: number, included: string[], leftOut: string[], coordinator: string, token: number }>()
/** Late trainers the coordinator took in */
const taken = new Set<string>()
/** When every trainer was up, and the test accuracy of each committed model (with --until-accuracy) */
let upAt = 0
const scores: Array<{ round: number, accuracy: number, atMs: number }> = []
let finished!: (e: PeerEvent) => void
let failed!: (err: Error) => void
const done = new Promise<PeerEvent>((resolve, reject) => { finished = resolve; failed = reject })

function onEvent (e: PeerEvent): void {
  if (e.event === 'coordinator') {
    coordinator = e.trainer
    coordinators.push({ trainer: e.trainer, token: Number(e.token), fromRound: Number(e.round) })
    console.log(`${e.trainer} coordinates from round ${Number(e.round) + 1} (lock token ${String(e.token)})`)
  } else if (e.event === 'commit') {
    heard.set(Number(e.round), { round: Number(e.round), included: e.included as string[], leftOut: e.leftOut as string[], coordinator: String(e.coordinator), token: Number(e.token) })
    const leftOut = (e.leftOut as string[]).length > 0 ? `; left out ${(e.leftOut as string[]).join(', ')}` : ''
    const score = typeof e.accuracy === 'number' ? ` (test accuracy ${(100 * e.accuracy).toFixed(1)}%)` : ''
    if (typeof e.accuracy === 'number') scores.push({ round: Number(e.round), accuracy: e.accuracy, atMs: Date.now() - upAt })
    console.log(`round ${Number(e.round) + 1}/${rounds} committed: version ${String(e.version)}, ${(e.included as string[]).join(', ')}${leftOut}${score}`)
    if (joiners > 0 && e.round === joinRound - 1) joinSome()
  } else if (e.event === 'paused') {
    const at = Number(e.at)
    paused.set(at, (paused.get(at) ?? new Set<string>()).add(e.trainer))
    resume(at)
  } else if (e.event === 'joined') {
    if (standby.some(p => p.name === e.trainer)) taken.add(e.trainer)
    resume(joinRound)
  } else if (e.event === 'done') {
    finished(e)
  } else if (e.event === 'error') {
    failed(new Error(`${e.trainer}: ${String(e.message)}`))
  }
}

/**
 * Once every trainer of the run still alive stands at pause point `at`:
 * at the kill round the victims die there and the others go on; at the join
 * round they go on once the late trainers joined, so that these are
 * expected from the next round whatever their start-up took.
 */
function resume (at: number): void {
  const waiting = paused.get(at)
  const trainers = processes.slice(0, workers).filter(p => !killed.includes(p))
  if (waiting == null || !trainers.every(p => waiting.has(p.name))) return
  if (at === killRound && kill > 0 && killed.length === 0) {
    killSome()
  } else if (at === joinRound && joiners > 0 && taken.size === standby.length) {
    paused.delete(at)
    for (const p of trainers) p.tell('go')
  }
}

/**
 * SIGKILLs `kill` trainers standing at the kill point (the coordinator
 * first with `--kill-coordinator`, else never it; then non-members of the
 * group first), then lets the others report.
 */
function killSome (): void {
  const trainers = processes.slice(0, workers)
  const others = trainers.filter(p => p.name !== coordinator).reverse()
  const victims = killCoordinator ? [...trainers.filter(p => p.name === coordinator), ...others] : others
  for (const victim of victims.slice(0, kill)) {
    victim.child.kill('SIGKILL')
    killed.push(victim)
    console.log(`killed ${victim.name} (${victim.peerId})${victim.name === coordinator ? ', the coordinator,' : ''} mid-round ${killRound + 1}: it trained and had not reported`)
  }
  paused.delete(killRound)
  for (const p of trainers) if (!killed.includes(p)) p.tell('go')
}

/** The late trainers, loaded beforehand so that they join when told to rather than when their code is read. */
const standby: TrainerProcess[] = []

function joinSome (): void {
  for (const p of standby) {
    p.tell('join')
    joined.push(p)
    console.log(`${p.name} (${p.peerId}) joins late`)
  }
}

/** The fixed split, loaded once (for the tabs' shards and the report). */
let mnistSplit: ReturnType<typeof loadMnist> | undefined
const mnist = (): ReturnType<typeof loadMnist> => (mnistSplit ??= loadMnist())

/** The training page, built into a folder of its own; its places take the last shards. */
let pageDir: string | undefined
async function startPage (): Promise<TrainingPage> {
  pageDir = await mkdtemp(join(tmpdir(), 'meshwork-training-page-'))
  await buildTrainingPage(pageDir)
  const train = shard(mnist().train, shards, seed)
  const places = Array.from({ length: browsers }, (_, b) => ({ shard: train[workers + joiners + b], seed: trainerSeed(seed, workers + joiners + b) }))
  return serveTrainingPage({
    dir: pageDir,
    bootstrap: hub.addrs().filter(a => a.includes('/ws')),
    run: TRAINING_RUN,
    places,
    settings: { ...TRAINING_DEFAULTS, rounds, seed },
    callTimeoutMs: 4 * roundTimeoutMs,
    onClaim: (name, peerId) => { console.log(`${name} (${peerId}) joins from a browser tab`) }
  })
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { failed(new Error('interrupted')) })
let timeout: ReturnType<typeof setTimeout> | undefined
let pageUp: Promise<TrainingPage> | undefined
let page: TrainingPage | undefined
try {
  const pauses = [...(kill > 0 ? [killRound] : []), ...(joiners > 0 ? [joinRound] : [])]
  const pause = pauses.length > 0 ? ['--pause-at', pauses.join(',')] : []
  for (let i = 0; i < workers; i++) processes.push(startTrainer(i, identities[i], [...args, ...pause], onEvent))
  for (let j = 0; j < joiners; j++) standby.push(startTrainer(workers + j, identities[workers + j], args, onEvent, true))
  processes.push(...standby)
  pageUp = browsers > 0 ? startPage() : undefined
  pageUp?.catch(() => {})
  await Promise.all(processes.map(async p => p.up))
  console.log(`${workers} trainers up (${members} host the consensus group); ${rounds} rounds of ${TRAINING_DEFAULTS.innerSteps} inner steps`)
  if (pageUp != null) {
    page = await pageUp
    console.log(`open ${page.url} in a browser to train in a tab; the first round waits for ${browsers} tab${browsers > 1 ? 's' : ''}`)
    await Promise.race([page.full, done])
  }
  // every trainer is in: the clock of --until-accuracy starts
  upAt = Date.now()
  timeout = setTimeout(() => { failed(new Error('the run did not finish')) }, rounds * (roundTimeoutMs + 10_000) + 60_000)
  const summary = await done
  clearTimeout(timeout)
  const trainMs = Date.now() - startedAt
  await stopTrainers(processes)

  const split = mnist()
  const model = parseModelJson(await readFile(join(out, 'model.json'), 'utf8'))
  const steps = Number(summary.steps)
  // what the group committed, round by round, whichever coordinator printed it
  const history = (summary.history ?? [...heard.values()].sort((a, b) => a.round - b.round)) as Array<{ round: number, included: string[], leftOut: string[], coordinator: string, token: number }>
  const baseline = createTrainer({ shape: MNIST_SHAPE, shard: split.train, innerSteps: Math.max(1, steps), batchSize: TRAINING_DEFAULTS.batchSize, optimiser: TRAINING_DEFAULTS.inner, seed })
  baseline.runRound(initParams(MNIST_SHAPE, seed))
  const reached = untilAccuracy == null ? undefined : scores.find(s => s.accuracy >= untilAccuracy)
  const report = {
    accuracy: accuracy(MNIST_SHAPE, model.params, split.test),
    baselineAccuracy: accuracy(MNIST_SHAPE, baseline.local, split.test),
    rounds: history.length,
    killed: killed.map(p => p.peerId),
    joined: joined.map(p => p.peerId),
    bytesSent: Number(summary.bytes),
    bytesIfEveryStep: everyStepBytes(steps, paramCount(MNIST_SHAPE)),
    workers,
    seed,
    peers: { ...Object.fromEntries(processes.map(p => [p.name, p.peerId])), ...page?.holders() },
    browsers: Object.values(page?.holders() ?? {}),
    historyFrom: summary.history == null ? 'commits printed' : 'group',
    included: history.map(r => r.included),
    leftOut: history.map(r => r.leftOut),
    committedRounds: history.map(r => r.round),
    coordinators: coordinators.map(c => ({ ...c, peerId: processes.find(p => p.name === c.trainer)?.peerId })),
    killRound,
    samples: Number(summary.samples),
    steps,
    trainMs,
    ...(untilAccuracy == null
      ? {}
      : { untilAccuracy, scores, roundsToAccuracy: reached == null ? null : reached.round + 1, timeToAccuracyMs: reached?.atMs ?? null })
  }
  await writeFile(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n')
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
  console.log(`test accuracy ${pct(report.accuracy)} (one process on the same ${report.samples} samples: ${pct(report.baselineAccuracy)})`)
  console.log(`parameter traffic ${(report.bytesSent / 1e6).toFixed(1)} MB, ${(report.bytesIfEveryStep / report.bytesSent).toFixed(0)}x less than averaging every step (${(report.bytesIfEveryStep / 1e6).toFixed(0)} MB)`)
  console.log(`wrote ${join(out, 'model.json')} and ${join(out, 'report.json')} in ${(trainMs / 1000).toFixed(1)} s`)
} catch (err: any) {
  console.error(err.message)
  process.exitCode = 1
} finally {
  clearTimeout(timeout)
  await stopTrainers(processes)
  await pageUp?.then(async p => { await p.close() }, () => {})
  if (pageDir != null) await rm(pageDir, { recursive: true, force: true })
  await hub.stop()
}
