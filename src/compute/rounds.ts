/**
 * The coordinator of training rounds as a pure state machine: no timers and
 * no I/O. The caller passes the time in (`nowMs`) and carries the commits it
 * returns to the trainers (and, later, into a consensus log).
 *
 * A round is open while it waits for its expected trainers. It commits when
 * all of them reported or at its deadline, whichever comes first; trainers
 * that had not reported are left out of it. A trainer that joins gets the
 * current parameters and is expected from the next round on. A trainer that
 * misses `maxMissedRounds` rounds in a row is dropped, so a dead one slows
 * down at most that many rounds and never holds back the average.
 */

import { InvalidArgumentError } from '../errors.ts'
import { averageDeltas, createOuterOptimiser } from './outer.ts'
import type { Contribution, OuterOptimiserConfig } from './outer.ts'

/** Most trainers a coordinator tracks. */
export const DEFAULT_MAX_TRAINERS = 256
/** Rounds in a row a trainer may miss before it is dropped. */
export const DEFAULT_MAX_MISSED_ROUNDS = 2

/** What a coordinator starts from. */
export interface RoundsInit {
  /** The initial global parameters (copied) */
  params: Float32Array
  outer: OuterOptimiserConfig
  /** How long a round waits for its trainers after it opens */
  roundTimeoutMs: number
  maxTrainers?: number
  maxMissedRounds?: number
  /** To resume a run: the next round to open (default 0) */
  round?: number
  /** To resume a run: the version of `params` (default 0) */
  version?: number
  /** To resume a run: the outer optimiser's state from the last commit */
  outerState?: Float32Array
}

/** A round's outcome, to be sent to every trainer. */
export interface Commit {
  /** The round that closed */
  round: number
  /** The parameter version after the round (it rises only when someone contributed) */
  version: number
  /** The committed global parameters (the coordinator's own copy: do not modify) */
  params: Float32Array
  /** Trainers whose deltas were averaged, sorted */
  included: string[]
  /** Expected trainers left out (late or gone), sorted */
  leftOut: string[]
  /** Trainers dropped after missing too many rounds */
  dropped: string[]
  /** Samples behind the included deltas */
  samples: number
  /** The round now open, if any trainer is left, and its deadline */
  next?: { round: number, deadlineMs: number }
  /** The outer optimiser's state after the round, with which another coordinator resumes */
  outerState?: Float32Array
}

/** The parameters a joining trainer starts from. */
export interface JoinAnswer {
  version: number
  params: Float32Array
  /** The round the trainer is first expected in */
  firstRound: number
}

/** Why a report was not counted. */
export type RejectReason = 'unknown-trainer' | 'not-expected' | 'wrong-round' | 'duplicate' | 'late'

/** A report's fate, and the commit it caused (a report past the deadline closes the round without it). */
export type ReportOutcome =
  | { accepted: true, commit?: Commit }
  | { accepted: false, reason: RejectReason, commit?: Commit }

/** A snapshot of the coordinator. */
export interface RoundsState {
  round: number
  version: number
  open: boolean
  deadlineMs?: number
  expected: string[]
  reported: string[]
  trainers: string[]
}

/** The round coordinator. Every method is synchronous and deterministic. */
export interface Rounds {
  /** Adds a trainer (idempotent); it is expected from the next round that opens (rounds open on `tick` or at a commit). */
  join(id: string, nowMs: number): JoinAnswer
  /**
   * Removes a trainer known to be gone (its report this round, if any, still
   * counts); may commit the round if everyone else reported.
   */
  leave(id: string, nowMs: number): Commit | undefined
  /** Counts a trainer's contribution to the open round `round`. */
  report(id: string, round: number, contribution: Contribution, nowMs: number): ReportOutcome
  /** Opens a round when none is open and trainers wait; commits one past its deadline. */
  tick(nowMs: number): Commit | undefined
  state(): RoundsState
}

/**
 * A coordinator for the parameters in `init`.
 *
 * @example
 * ```ts
 * const rounds = createRounds({ params, outer: { kind: 'nesterov', lr: 0.7, momentum: 0.9 }, roundTimeoutMs: 10_000 })
 * rounds.join('a', now)
 * rounds.tick(now) // opens round 0
 * const outcome = rounds.report('a', 0, trainer.runRound(params), now)
 * ```
 */
export function createRounds (init: RoundsInit): Rounds {
  const maxTrainers = init.maxTrainers ?? DEFAULT_MAX_TRAINERS
  const maxMissed = init.maxMissedRounds ?? DEFAULT_MAX_MISSED_ROUNDS
  if (!(init.roundTimeoutMs > 0) || !(maxTrainers >= 1) || !(maxMissed >= 1)) {
    throw new InvalidArgumentError('roundTimeoutMs, maxTrainers and maxMissedRounds must be positive')
  }
  if (!Number.isInteger(init.round ?? 0) || !Number.isInteger(init.version ?? 0) || (init.round ?? 0) < 0 || (init.version ?? 0) < 0) {
    throw new InvalidArgumentError('round and version must be integers >= 0')
  }
  const params = init.params.slice()
  const outer = createOuterOptimiser(init.outer, params.length, init.outerState)
  /** Trainer id → rounds missed in a row */
  const trainers = new Map<string, number>()
  let round = init.round ?? 0
  let version = init.version ?? 0
  let open = false
  let deadlineMs = 0
  let expected = new Set<string>()
  const reports = new Map<string, Contribution>()

  const openRound = (nowMs: number): void => {
    expected = new Set(trainers.keys())
    reports.clear()
    open = expected.size > 0
    deadlineMs = nowMs + init.roundTimeoutMs
  }

  const commit = (nowMs: number): Commit => {
    const included = [...reports.keys()].sort()
    const leftOut = [...expected].filter(id => !reports.has(id)).sort()
    const dropped: string[] = []
    for (const id of included) {
      if (trainers.has(id)) trainers.set(id, 0)
    }
    for (const id of leftOut) {
      const missed = trainers.get(id)
      if (missed == null) continue
      if (missed + 1 >= maxMissed) {
        trainers.delete(id)
        dropped.push(id)
      } else {
        trainers.set(id, missed + 1)
      }
    }
    const contributions = included.map(id => reports.get(id) as Contribution)
    const samples = contributions.reduce((n, c) => n + c.samples, 0)
    if (samples > 0) {
      outer.step(params, averageDeltas(contributions, params.length))
      version++
    }
    const closed = round
    round++
    openRound(nowMs)
    return { round: closed, version, params, included, leftOut, dropped, samples, next: open ? { round, deadlineMs } : undefined, outerState: outer.state() }
  }

  const complete = (nowMs: number): Commit | undefined =>
    open && [...expected].every(id => reports.has(id) || !trainers.has(id)) ? commit(nowMs) : undefined

  return {
    join (id, nowMs) {
      if (!trainers.has(id)) {
        if (trainers.size >= maxTrainers) {
          throw new InvalidArgumentError(`the coordinator already has ${maxTrainers} trainers`)
        }
        trainers.set(id, 0)
      }
      return { version, params: params.slice(), firstRound: open && !expected.has(id) ? round + 1 : round }
    },
    leave (id, nowMs) {
      // a report it already made still counts: its work is done
      if (!trainers.delete(id)) return undefined
      return complete(nowMs)
    },
    report (id, reportRound, contribution, nowMs) {
      if (!trainers.has(id)) return { accepted: false, reason: 'unknown-trainer' }
      if (open && reportRound === round && nowMs >= deadlineMs) {
        return { accepted: false, reason: 'late', commit: commit(nowMs) }
      }
      if (!open || reportRound !== round) return { accepted: false, reason: 'wrong-round' }
      if (!expected.has(id)) return { accepted: false, reason: 'not-expected' }
      if (reports.has(id)) return { accepted: false, reason: 'duplicate' }
      if (contribution.delta.length !== params.length || !(contribution.samples > 0)) {
        throw new InvalidArgumentError('a contribution needs a delta of the model size and a positive sample count')
      }
      reports.set(id, contribution)
      return { accepted: true, commit: complete(nowMs) }
    },
    tick (nowMs) {
      if (!open) {
        if (trainers.size > 0) openRound(nowMs)
        return undefined
      }
      return nowMs >= deadlineMs ? commit(nowMs) : undefined
    },
    state () {
      return {
        round,
        version,
        open,
        deadlineMs: open ? deadlineMs : undefined,
        expected: [...expected].sort(),
        reported: [...reports.keys()].sort(),
        trainers: [...trainers.keys()].sort()
      }
    }
  }
}
