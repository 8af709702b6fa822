/**
 * Sessions and locks, Chubby-style. A client opens a session and keeps it
 * alive with keepalives; a lock is held by a session. A lock is free again
 * once its session has gone `ttlMs` (the lock's) without a keepalive, and a
 * session ends once it has gone its own ttl — never shorter than any of its
 * locks' — without one. All times are group time (see clock.ts).
 *
 * Which leases lapse is decided here from group time alone, and in a fixed
 * order (locks by token, sessions by id), so every member lapses the same
 * ones at the same entry.
 */

export interface Session {
  id: number
  owner: string
  ttlMs: number
  renewedAtMs: number
}

export interface HeldLock {
  name: string
  session: number
  /** The fencing token: the revision of the grant */
  token: number
  ttlMs: number
}

export interface Leases {
  sessions: Map<number, Session>
  locks: Map<string, HeldLock>
  nextSession: number
  /** No lease lapses before this group time (a lower bound, tightened by each sweep) */
  dueAtMs: number
}

export function leases (): Leases {
  return { sessions: new Map(), locks: new Map(), nextSession: 1, dueAtMs: Infinity }
}

const lockDeadline = (l: Leases, lock: HeldLock): number => {
  const s = l.sessions.get(lock.session)
  return s == null ? -Infinity : s.renewedAtMs + lock.ttlMs
}

const sessionDeadline = (s: Session): number => s.renewedAtMs + s.ttlMs

/** Notes a new deadline, which may come before every other. */
export function noteDeadline (l: Leases, deadlineMs: number): void {
  l.dueAtMs = Math.min(l.dueAtMs, deadlineMs)
}

/**
 * The locks that lapsed by `nowMs`, in token order, and the sessions that
 * ended; removes both. Cheap when nothing is due.
 */
export function sweep (l: Leases, nowMs: number): { locks: HeldLock[], sessions: Session[] } {
  if (nowMs <= l.dueAtMs) {
    return { locks: [], sessions: [] }
  }
  const locks = [...l.locks.values()].filter(lock => nowMs > lockDeadline(l, lock)).sort((a, b) => a.token - b.token)
  for (const lock of locks) {
    l.locks.delete(lock.name)
  }
  const sessions = [...l.sessions.values()].filter(s => nowMs > sessionDeadline(s)).sort((a, b) => a.id - b.id)
  for (const s of sessions) {
    l.sessions.delete(s.id)
  }
  // a session's ttl covers its locks', so an ended session holds none: all its locks lapsed above
  l.dueAtMs = nextDeadline(l)
  return { locks, sessions }
}

/** The earliest group time at which a lease lapses, if any is held. */
export function nextDeadline (l: Leases): number {
  let due = Infinity
  for (const s of l.sessions.values()) due = Math.min(due, sessionDeadline(s))
  for (const lock of l.locks.values()) due = Math.min(due, lockDeadline(l, lock))
  return due
}

/** The locks a session holds, in token order. */
export function locksOf (l: Leases, session: number): HeldLock[] {
  return [...l.locks.values()].filter(lock => lock.session === session).sort((a, b) => a.token - b.token)
}
