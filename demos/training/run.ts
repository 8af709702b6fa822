/**
 * `npm run demo:train -- --workers N --kill K --join J --out DIR [--browser B] [--seed S] [--rounds R] [--round-timeout MS]`
 *
 * Data-parallel training of a 784-64-10 MLP on the MNIST digits across a
 * mesh of trainer processes, DiLoCo-style: this process starts a bootstrap
 * peer and N trainers (the first three host the consensus group), kills K
 * of them with SIGKILL in the middle of the round at 40% of the run, starts
 * J more a round later, and once the last round is committed writes
 * `DIR/model.json` (from the coordinator) and `DIR/report.json`.
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
/** How far into the round the kills land (the trainers are mid-way through their inner steps). */
const KILL_DELAY_MS = 150
/** Default round timeout: a healthy trainer on a busy machine is never this late. */
const DEFAULT_ROUND_TIMEOUT_MS = 20_000
/** Browser places a run offers at most. */
const MAX_BROWSERS = 16

const usage = 'npm run demo:train -- --workers N --kill K --join J --out DIR [--browser B] [--seed S] [--rounds R] [--round-timeout MS]'
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '4' },
    kill: { type: 'string', default: '0' },
    join: { type: 'string', default: '0' },
    browser: { type: 'string', default: '0' },
    out: { type: 'string' },
    seed: { type: 'string', default: String(TRAINING_DEFAULTS.seed) },
    rounds: { type: 'string', default: String(TRAINING_DEFAULTS.rounds) },
    'round-timeout': { type: 'string', default: String(DEFAULT_ROUND_TIMEOUT_MS) }
  }
})
const [workers, kill, joiners, browsers, seed, rounds, roundTimeoutMs] = [values.workers, values.kill, values.join, values.browser, values.seed, values.rounds, values['round-timeout']].map(Number)
const members = Math.min(GROUP_MEMBERS, workers)
const killRound = Math.max(1, Math.floor(KILL_AT * rounds))
const joinRound = killRound + 1
const problem = values.out == null
  ? '--out DIR is required'
  : ![workers, kill, joiners, browsers, seed, rounds, roundTimeoutMs].every(Number.isInteger) || workers < 1 || kill < 0 || joiners < 0 || browsers < 0 || browsers > MAX_BROWSERS || rounds < 1 || roundTimeoutMs < 1
    ? `the counts are integers: workers and rounds >= 1, kill and join >= 0, browser from 0 to ${MAX_BROWSERS}`
    : kill >= workers
      ? '--kill must leave at least one worker (the coordinator)'
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
  ...(browsers > 0 ? ['--ws'] : [])
]

const processes: TrainerProcess[] = []
const killed: TrainerProcess[] = []
const joined: TrainerProcess[] = []
let coordinator: string | undefined
/** Trainers included in each round, in round order */
const included: string[][] = []
let finished!: (e: PeerEvent) => void
let failed!: (err: Error) => void
const done = new Promise<PeerEvent>((resolve, reject) => { finished = resolve; failed = reject })

function onEvent (e: PeerEvent): void {
  if (e.event === 'coordinator') {
    coordinator = e.trainer
    console.log(`${e.trainer} coordinates (lock token ${String(e.token)})`)
  } else if (e.event === 'commit') {
    included[Number(e.round)] = e.included as string[]
    const leftOut = (e.leftOut as string[]).length > 0 ? `; left out ${(e.leftOut as string[]).join(', ')}` : ''
    console.log(`round ${Number(e.round) + 1}/${rounds} committed: version ${String(e.version)}, ${(e.included as string[]).join(', ')}${leftOut}`)
    if (kill > 0 && e.round === killRound - 1) setTimeout(killSome, KILL_DELAY_MS)
    if (joiners > 0 && e.round === joinRound - 1) joinSome()
  } else if (e.event === 'done') {
    finished(e)
  } else if (e.event === 'error') {
    failed(new Error(`${e.trainer}: ${String(e.message)}`))
  }
}

/** SIGKILLs `kill` trainers, never the coordinator, non-members of the group first. */
function killSome (): void {
  const candidates = processes.slice(0, workers).filter(p => p.name !== coordinator).reverse()
  for (const victim of candidates.slice(0, kill)) {
    victim.child.kill('SIGKILL')
    killed.push(victim)
    console.log(`killed ${victim.name} (${victim.peerId}) mid-round`)
  }
}

/** The late trainers, loaded beforehand so that they join when told to rather than when their code is read. */
const standby: TrainerProcess[] = []

function joinSome (): void {
  for (const p of standby) {
    p.go()
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
  for (let i = 0; i < workers; i++) processes.push(startTrainer(i, identities[i], args, onEvent))
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
  timeout = setTimeout(() => { failed(new Error('the run did not finish')) }, rounds * (roundTimeoutMs + 10_000) + 60_000)
  const summary = await done
  clearTimeout(timeout)
  const trainMs = Date.now() - startedAt
  await stopTrainers(processes)

  const split = mnist()
  const model = parseModelJson(await readFile(join(out, 'model.json'), 'utf8'))
  const steps = Number(summary.steps)
  const baseline = createTrainer({ shape: MNIST_SHAPE, shard: split.train, innerSteps: Math.max(1, steps), batchSize: TRAINING_DEFAULTS.batchSize, optimiser: TRAINING_DEFAULTS.inner, seed })
  baseline.runRound(initParams(MNIST_SHAPE, seed))
  const report = {
    accuracy: accuracy(MNIST_SHAPE, model.params, split.test),
    baselineAccuracy: accuracy(MNIST_SHAPE, baseline.local, split.test),
    rounds,
    killed: killed.map(p => p.peerId),
    joined: joined.map(p => p.peerId),
    bytesSent: Number(summary.bytes),
    bytesIfEveryStep: everyStepBytes(steps, paramCount(MNIST_SHAPE)),
    workers,
    seed,
    peers: { ...Object.fromEntries(processes.map(p => [p.name, p.peerId])), ...page?.holders() },
    browsers: Object.values(page?.holders() ?? {}),
    included,
    samples: Number(summary.samples),
    steps,
    trainMs
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
