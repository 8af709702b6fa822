/**
 * The group clock: how time enters the state machine.
 *
 * Nothing inside `apply` reads a clock. Each command carries a stamp put on
 * it by the leader that proposed it: its term and its monotonic clock in ms.
 * The group clock advances by the difference between two stamps of the same
 * term only, that is, by time measured on one leader's monotonic clock
 * (one term has one leader, and a leader that restarts needs a new term).
 * The first stamp of a new term only sets the base: no time passes across a
 * leader change, and stamps of an older term are ignored.
 *
 * Why this is safe for leases: the committed log holds a term's entries
 * before any of a later term's, and the later leader already had those
 * entries when it stood for election, so the spans the clock counts are
 * disjoint stretches of real time. The group clock therefore never runs
 * ahead of real time (given clocks that tick at the right rate), and a lease
 * of `ttlMs` renewed at group time `t` lapses no earlier than `ttlMs` of real
 * time after the leader stamped the renewal, which is after the holder sent
 * it. A leader change can only lengthen leases (by the time the change
 * took), never shorten them, as with etcd's lease renewal on promotion;
 * wall clocks of different members are never compared.
 */

export interface GroupClock {
  /** Group time, ms since the group began */
  nowMs: number
  /** Term of the stamps being counted */
  term: number
  /** Latest stamp seen in `term` */
  lastMs: number
}

export function groupClock (): GroupClock {
  return { nowMs: 0, term: 0, lastMs: 0 }
}

/** Advances the clock by a command's stamp. */
export function advanceClock (clock: GroupClock, term: number, timeMs: number): void {
  if (term === 0 || term < clock.term) {
    return
  }
  if (term > clock.term) {
    clock.term = term
    clock.lastMs = timeMs
    return
  }
  if (timeMs > clock.lastMs) {
    clock.nowMs += timeMs - clock.lastMs
    clock.lastMs = timeMs
  }
}
