/**
 * The coordinator of a training run on a mesh: the round state machine of
 * `rounds.ts` behind three services, with each round's outcome committed
 * to a consensus group before any trainer sees it.
 *
 * - `<run>.join` `{ trainer }` → `{ firstRound }`: a trainer (new, late or
 *   restarted) is expected from that round on.
 * - `<run>.params` `{ round }` → a parameter message: waits until round
 *   `round` (or a later one) is open and answers its starting parameters;
 *   once the run is over, the final ones with `done`.
 * - `<run>.report` (a report, raw bytes) → `{ accepted, reason, nextRound }`.
 *
 * Each commit is written to key `<run>/round` of the group with `cas` on
 * the revision this coordinator last wrote, and carries the fencing token of
 * its lock: a coordinator that lost its lock while paused finds the key
 * moved on, stops, and publishes nothing more.
 */

import { logger } from '@libp2p/logger'
import { InvalidArgumentError, TimeoutError } from '../errors.ts'
import { createRounds } from './rounds.ts'
import { decodeReport, encodeParamsMessage } from './round-wire.ts'
import type { Commit, Rounds } from './rounds.ts'
import type { OuterOptimiserConfig } from './outer.ts'
import type { ReportAnswer } from './round-wire.ts'
import type { ConsensusGroup } from '../consensus/types.ts'

const log = logger('meshwork:rounds')

/** How often the coordinator looks at the round deadline. */
export const ROUND_TICK_MS = 50
/** How long reading a run's round history waits by default. */
export const DEFAULT_HISTORY_TIMEOUT_MS = 5_000
/** Parameter requests waiting at most, per trainer the coordinator tracks. */
const WAITERS_PER_TRAINER = 2

/** The consensus record of the last committed round, at key `<run>/round`. */
export interface RoundRecord {
  /** The round that closed */
  round: number
  /** The parameter version after it */
  version: number
  included: string[]
  leftOut: string[]
  dropped: string[]
  /** Trainers expected from the next round on */
  trainers: string[]
  samples: number
  /** Whether the run ended with this round */
  done: boolean
  /** The run's totals up to this round, from which a coordinator taking over counts on */
  totals: RoundTotals
  /** Fencing token of the coordinator that committed it */
  token: number
  coordinator: string
}

/** What a coordinator starts from. */
export interface RoundCoordinatorInit {
  /** The run's name: prefix of its services and consensus keys */
  run: string
  /** This peer's id, recorded with each commit */
  peerId: string
  group: ConsensusGroup
  /** The fencing token of the lock this coordinator holds */
  token: number
  /** Parameters the next round starts from */
  params: Float32Array
  outer: OuterOptimiserConfig
  roundTimeoutMs: number
  /** Rounds in the whole run */
  rounds: number
  /** Trainers to wait for before the first round opens */
  minTrainers?: number
  /**
   * Opens the first round after this long even with fewer than
   * `minTrainers` (a coordinator taking over, whose predecessor's trainers
   * may not all come back); by default it waits for them.
   */
  startTimeoutMs?: number
  /** To take over a run: the next round and the version of `params` */
  round?: number
  version?: number
  /** The revision of `<run>/round` this coordinator expects (0 for a fresh run) */
  revision?: number
  /** The run's totals so far (a coordinator taking over) */
  totals?: RoundTotals
  maxTrainers?: number
  /**
   * Ends the run early after the commit of round `round` when it returns
   * true (a target accuracy reached, say); otherwise the run ends after
   * `rounds` rounds.
   */
  until?(round: number, params: Float32Array): boolean
  /** Hears each commit once the group has it */
  onCommit?(record: RoundRecord): void
}

/** The coordinator's handlers, for the mesh services or a local trainer. */
export interface RoundHandlers {
  join(input: unknown, requester: string): { firstRound: number }
  params(input: unknown, requester: string, signal?: AbortSignal): Promise<Uint8Array>
  report(input: unknown, requester: string): ReportAnswer
}

/** Totals of a run, as the coordinator counted them. */
export interface RoundTotals {
  /** Bytes of parameter messages sent and reports received */
  bytes: number
  /** Inner steps behind the committed deltas */
  steps: number
  /** Samples behind the committed deltas */
  samples: number
}

export interface RoundCoordinator {
  readonly handlers: RoundHandlers
  /** Resolves with the final parameters once the last round is committed (and the revision of that commit); rejects if fenced off. */
  readonly finished: Promise<{ params: Float32Array, version: number, revision: number }>
  totals(): RoundTotals
  /** Takes out the trainer that joined from `peerId` (its process is gone). */
  peerGone(peerId: string): void
  stop(): void
}

/** Service names of run `run`. */
export const roundServices = (run: string): { join: string, params: string, report: string } =>
  ({ join: `${run}.join`, params: `${run}.params`, report: `${run}.report` })

/** Key of the committed round record of run `run`. */
export const roundKey = (run: string): string => `${run}/round`

/**
 * The round records of run `run` as the group kept them, oldest first, up
 * to revision `toRevision` (the last commit): what every coordinator of the
 * run committed, whoever printed it. Rejects with `CompactedError` once the
 * group's history no longer reaches the first round, `TimeoutError` after
 * `timeoutMs`.
 */
export async function roundHistory (group: ConsensusGroup, run: string, toRevision: number, options: { signal?: AbortSignal, timeoutMs?: number } = {}): Promise<RoundRecord[]> {
  const records: RoundRecord[] = []
  const stop = new AbortController()
  const timeoutMs = options.timeoutMs ?? DEFAULT_HISTORY_TIMEOUT_MS
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = AbortSignal.any([stop.signal, deadline, ...(options.signal == null ? [] : [options.signal])])
  try {
    await new Promise<void>((resolve, reject) => {
      const abort = (): void => {
        reject(deadline.aborted && options.signal?.aborted !== true ? new TimeoutError(`the round history did not reach revision ${toRevision} in ${timeoutMs} ms`) : signal.reason)
      }
      if (signal.aborted) { abort(); return }
      signal.addEventListener('abort', abort, { once: true })
      group.watch(roundKey(run), change => {
        if (change.key === roundKey(run) && change.type === 'put' && change.revision <= toRevision) records.push(change.value as unknown as RoundRecord)
        if (change.revision >= toRevision) resolve()
      }, { fromRevision: 1, signal, onError: reject })
    })
  } finally {
    stop.abort()
  }
  return records
}

/** A coordinator; it opens its first round once `minTrainers` joined. */
export function createRoundCoordinator (init: RoundCoordinatorInit): RoundCoordinator {
  const size = init.params.length
  if (!Number.isInteger(init.rounds) || init.rounds < 1) {
    throw new InvalidArgumentError('a run needs at least one round')
  }
  const maxTrainers = init.maxTrainers ?? 256
  const rounds: Rounds = createRounds({ params: init.params, outer: init.outer, roundTimeoutMs: init.roundTimeoutMs, round: init.round, version: init.version, maxTrainers })
  const minTrainers = init.minTrainers ?? 1
  const trainerOf = new Map<string, string>()
  const peerOf = new Map<string, string>()
  const stepsOf = new Map<string, number>()
  const totals: RoundTotals = { bytes: 0, steps: 0, samples: 0, ...init.totals }
  let revision = init.revision ?? 0
  let started = false
  const startBy = Date.now() + (init.startTimeoutMs ?? Number.POSITIVE_INFINITY)
  let stopped = false
  /** The parameter message of the open round, once it is committed */
  let current = { round: init.round ?? 0, done: false, message: encodeParamsMessage({ round: init.round ?? 0, version: init.version ?? 0, done: false }, init.params) }
  const waiters = new Set<{ round: number, resolve: () => void }>()
  let publishing = Promise.resolve()
  let finish!: { resolve: (v: { params: Float32Array, version: number, revision: number }) => void, reject: (err: Error) => void }
  const finished = new Promise<{ params: Float32Array, version: number, revision: number }>((resolve, reject) => { finish = { resolve, reject } })
  finished.catch(() => {})

  /** Whether a trainer asking for round `round` gets an answer now: it is open (or later) */
  const ready = (round: number): boolean => current.done || (started && current.round >= round)

  const wake = (): void => {
    for (const w of waiters) {
      if (ready(w.round)) {
        waiters.delete(w)
        w.resolve()
      }
    }
  }

  const publish = async (commit: Commit): Promise<void> => {
    const next = commit.round + 1
    const reached = init.until?.(commit.round, commit.params) === true
    const done = next >= init.rounds || reached
    const steps = commit.included.reduce((n, id) => n + (stepsOf.get(`${commit.round}/${id}`) ?? 0), 0)
    for (const key of stepsOf.keys()) if (key.startsWith(`${commit.round}/`)) stepsOf.delete(key)
    const after = { bytes: totals.bytes, steps: totals.steps + steps, samples: totals.samples + commit.samples }
    const record: RoundRecord = {
      round: commit.round,
      version: commit.version,
      included: commit.included,
      leftOut: commit.leftOut,
      dropped: commit.dropped,
      trainers: rounds.state().trainers,
      samples: commit.samples,
      done,
      totals: after,
      token: init.token,
      coordinator: init.peerId
    }
    const params = commit.params.slice()
    const written = await init.group.cas(roundKey(init.run), revision, record as any)
    if (!written.ok) {
      throw new InvalidArgumentError(`round ${commit.round} not committed: ${roundKey(init.run)} moved on to revision ${written.revision} (another coordinator)`)
    }
    revision = written.revision
    totals.steps = after.steps
    totals.samples = after.samples
    current = { round: next, done, message: encodeParamsMessage({ round: next, version: commit.version, done }, params) }
    log('round %d committed at version %d: %s', commit.round, commit.version, commit.included.join(' '))
    init.onCommit?.(record)
    wake()
    if (done) {
      stop()
      finish.resolve({ params, version: commit.version, revision })
    }
  }

  const committed = (commit: Commit | undefined): void => {
    if (commit == null || stopped) return
    publishing = publishing.then(async () => { await publish(commit) }).catch((err: Error) => {
      log.error('fenced off: %s', err.message)
      stop()
      finish.reject(err)
    })
  }

  const timer = setInterval(() => {
    if (!started) {
      if (rounds.state().trainers.length < minTrainers && Date.now() < startBy) return
      started = true
      committed(rounds.tick(Date.now()))
      wake()
      return
    }
    committed(rounds.tick(Date.now()))
  }, ROUND_TICK_MS)

  const stop = (): void => {
    stopped = true
    clearInterval(timer)
  }

  const trainerName = (input: unknown): string => {
    const trainer = (input as { trainer?: unknown } | null)?.trainer
    if (typeof trainer !== 'string' || trainer.length === 0 || trainer.length > 256) {
      throw new InvalidArgumentError('join takes { trainer } with a name of 1 to 256 characters')
    }
    return trainer
  }

  const handlers: RoundHandlers = {
    join (input, requester) {
      const trainer = trainerName(input)
      const owner = peerOf.get(trainer)
      if (owner != null && owner !== requester) trainerOf.delete(owner)
      trainerOf.set(requester, trainer)
      peerOf.set(trainer, requester)
      const now = Date.now()
      const answer = rounds.join(trainer, now)
      // a trainer told to start in the round must be expected in it: with none
      // open (a coordinator that took over, or every trainer gone), open it
      // now rather than at the next tick, which its report could beat.
      // Before the first round opens everyone starts in it.
      if (started && !rounds.state().open) rounds.tick(now)
      return { firstRound: answer.firstRound }
    },
    async params (input, _requester, signal) {
      const round = (input as { round?: unknown } | null)?.round
      if (typeof round !== 'number' || !Number.isInteger(round) || round < 0) {
        throw new InvalidArgumentError('params takes { round } with a round >= 0')
      }
      if (!ready(round)) {
        if (waiters.size >= WAITERS_PER_TRAINER * maxTrainers) {
          throw new InvalidArgumentError('too many parameter requests waiting')
        }
        await new Promise<void>((resolve, reject) => {
          const waiter = { round, resolve }
          waiters.add(waiter)
          signal?.addEventListener('abort', () => { waiters.delete(waiter); reject(signal.reason) }, { once: true })
        })
      }
      totals.bytes += current.message.length
      return current.message
    },
    report (input, requester) {
      const { header, delta } = decodeReport(input, { expectedValues: size })
      totals.bytes += (input as Uint8Array).length
      if (peerOf.get(header.trainer) !== requester) {
        return { accepted: false, reason: 'unknown-trainer', nextRound: rounds.state().round }
      }
      const outcome = rounds.report(header.trainer, header.round, { delta, samples: header.samples }, Date.now())
      if (outcome.accepted) stepsOf.set(`${header.round}/${header.trainer}`, header.steps)
      committed(outcome.commit)
      const nextRound = outcome.accepted ? header.round + 1 : Math.max(header.round + 1, rounds.state().round)
      return outcome.accepted ? { accepted: true, nextRound } : { accepted: false, reason: outcome.reason, nextRound }
    }
  }

  return {
    handlers,
    finished,
    totals: () => ({ ...totals }),
    peerGone (peerId) {
      const trainer = trainerOf.get(peerId)
      if (trainer == null || peerOf.get(trainer) !== peerId) return
      trainerOf.delete(peerId)
      peerOf.delete(trainer)
      log('trainer %s left (its peer is gone)', trainer)
      committed(rounds.leave(trainer, Date.now()))
    },
    stop () {
      stop()
      for (const w of waiters) w.resolve()
      waiters.clear()
    }
  }
}
