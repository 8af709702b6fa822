/**
 * The key-value state and the commands that change it. Every write raises
 * the group-wide revision by one and is recorded in the watch history.
 */
import { DEFAULT_DEDUP_CLIENTS, DEFAULT_DEDUP_RESULTS_PER_CLIENT, DEFAULT_HISTORY_BYTES, DEFAULT_HISTORY_CHANGES, DEFAULT_MAX_KEYS, DEFAULT_MAX_LOCKS, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_STORE_BYTES, MAX_TTL_MS, MAX_VALUE_BYTES, MIN_TTL_MS } from './constants.ts'
import { checkKey, kvError } from './command.ts'
import { groupClock } from './clock.ts'
import { dedup } from './dedup.ts'
import { history } from './history.ts'
import { leases, locksOf, noteDeadline } from './leases.ts'
import type { GroupClock } from './clock.ts'
import type { Command, KvError } from './command.ts'
import type { Dedup } from './dedup.ts'
import type { ChangeRecord, History } from './history.ts'
import type { HeldLock, Leases } from './leases.ts'

export interface KvStateInit {
  maxKeys?: number
  maxStoreBytes?: number
  historyChanges?: number
  historyBytes?: number
  dedupClients?: number
  dedupResultsPerClient?: number
  maxSessions?: number
  maxLocks?: number
}

export interface StoredKey {
  /** JSON text */
  value: Uint8Array
  createRevision: number
  modRevision: number
  version: number
}

export interface KvState {
  limits: Required<KvStateInit>
  appliedIndex: number
  revision: number
  clock: GroupClock
  keys: Map<string, StoredKey>
  storeBytes: number
  leases: Leases
  dedup: Dedup
  history: History
}

export interface SessionResult { session: number, ttlMs: number }
export interface LockResult { granted: boolean, token: number, revision: number, holder?: number }
export interface ReleaseResult { released: boolean, revision: number }
export interface RevisionResult { revision: number }
export type KvResult =
  | RevisionResult
  | { revision: number, deleted: boolean }
  | { ok: boolean, revision: number }
  | SessionResult | LockResult | ReleaseResult

export function kvState (init: KvStateInit = {}): KvState {
  const limits: Required<KvStateInit> = {
    maxKeys: init.maxKeys ?? DEFAULT_MAX_KEYS,
    maxStoreBytes: init.maxStoreBytes ?? DEFAULT_MAX_STORE_BYTES,
    historyChanges: init.historyChanges ?? DEFAULT_HISTORY_CHANGES,
    historyBytes: init.historyBytes ?? DEFAULT_HISTORY_BYTES,
    dedupClients: init.dedupClients ?? DEFAULT_DEDUP_CLIENTS,
    dedupResultsPerClient: init.dedupResultsPerClient ?? DEFAULT_DEDUP_RESULTS_PER_CLIENT,
    maxSessions: init.maxSessions ?? DEFAULT_MAX_SESSIONS,
    maxLocks: init.maxLocks ?? DEFAULT_MAX_LOCKS
  }
  return {
    limits,
    appliedIndex: 0,
    revision: 0,
    clock: groupClock(),
    keys: new Map(),
    storeBytes: 0,
    leases: leases(),
    dedup: dedup({ maxClients: limits.dedupClients, maxResultsPerClient: limits.dedupResultsPerClient }),
    history: history({ maxChanges: limits.historyChanges, maxBytes: limits.historyBytes })
  }
}

const keyBytes = (key: string, value: Uint8Array): number => key.length * 3 + value.byteLength

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true })

/** Why a value is refused, if it is: not JSON text, or too large. */
function checkValue (value: Uint8Array): KvError | undefined {
  if (value.byteLength > MAX_VALUE_BYTES) {
    return kvError('invalid-argument', `value over ${MAX_VALUE_BYTES} bytes`)
  }
  try {
    JSON.parse(fatalUtf8.decode(value))
  } catch {
    return kvError('invalid-argument', 'the value is not JSON text')
  }
  return undefined
}

const checkTtl = (ttlMs: number): KvError | undefined =>
  ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS ? kvError('invalid-argument', `ttl must be ${MIN_TTL_MS}..${MAX_TTL_MS} ms`) : undefined

function write (s: KvState, change: Omit<ChangeRecord, 'revision'>): number {
  s.revision++
  s.history.append({ ...change, revision: s.revision })
  return s.revision
}

function store (s: KvState, key: string, value: Uint8Array): KvResult | KvError {
  const prior = s.keys.get(key)
  const bytes = s.storeBytes - (prior == null ? 0 : keyBytes(key, prior.value)) + keyBytes(key, value)
  if ((prior == null && s.keys.size >= s.limits.maxKeys) || bytes > s.limits.maxStoreBytes) {
    return kvError('quota-exceeded', 'the store is full')
  }
  const revision = write(s, { type: 'put', key, value })
  s.keys.set(key, {
    value,
    createRevision: prior?.createRevision ?? revision,
    modRevision: revision,
    version: (prior?.version ?? 0) + 1
  })
  s.storeBytes = bytes
  return { revision }
}

/** Releases a lock: a write, seen by watches of locks. */
export function release (s: KvState, lock: HeldLock): number {
  s.leases.locks.delete(lock.name)
  return write(s, { type: 'unlock', key: lock.name, session: lock.session, token: lock.token })
}

/** Runs one decoded command (its time already counted, lapsed leases already swept). */
export function execute (s: KvState, c: Command): KvResult | KvError {
  const l = s.leases
  switch (c.op) {
    case 'put':
      return checkKey(c.key) ?? checkValue(c.value) ?? store(s, c.key, c.value)
    case 'cas': {
      const bad = checkKey(c.key) ?? checkValue(c.value)
      if (bad != null) return bad
      const current = s.keys.get(c.key)?.modRevision ?? 0
      if (current !== c.expectedRevision) {
        return { ok: false, revision: current }
      }
      const stored = store(s, c.key, c.value)
      return 'error' in stored ? stored : { ok: true, revision: (stored as RevisionResult).revision }
    }
    case 'delete': {
      const bad = checkKey(c.key)
      if (bad != null) return bad
      const prior = s.keys.get(c.key)
      if (prior == null) {
        return { revision: s.revision, deleted: false }
      }
      s.keys.delete(c.key)
      s.storeBytes -= keyBytes(c.key, prior.value)
      return { revision: write(s, { type: 'delete', key: c.key }), deleted: true }
    }
    case 'session-open': {
      const bad = checkTtl(c.ttlMs)
      if (bad != null) return bad
      if (l.sessions.size >= s.limits.maxSessions) {
        return kvError('quota-exceeded', 'too many sessions')
      }
      const id = l.nextSession++
      l.sessions.set(id, { id, owner: c.client, ttlMs: c.ttlMs, renewedAtMs: s.clock.nowMs })
      noteDeadline(l, s.clock.nowMs + c.ttlMs)
      return { session: id, ttlMs: c.ttlMs }
    }
    case 'keepalive': {
      const session = l.sessions.get(c.session)
      if (session == null) return kvError('session-expired', `session ${c.session} is not open`)
      session.renewedAtMs = s.clock.nowMs
      return { session: session.id, ttlMs: session.ttlMs }
    }
    case 'session-close': {
      if (!l.sessions.has(c.session)) return kvError('session-expired', `session ${c.session} is not open`)
      for (const lock of locksOf(l, c.session)) release(s, lock)
      l.sessions.delete(c.session)
      return { revision: s.revision }
    }
    case 'lock': {
      const bad = checkKey(c.key) ?? (c.ttlMs === 0 ? undefined : checkTtl(c.ttlMs))
      if (bad != null) return bad
      const session = l.sessions.get(c.session)
      if (session == null) return kvError('session-expired', `session ${c.session} is not open`)
      const held = l.locks.get(c.key)
      if (held != null) {
        return { granted: false, token: held.token, revision: s.revision, holder: held.session }
      }
      if (l.locks.size >= s.limits.maxLocks) {
        return kvError('quota-exceeded', 'too many locks')
      }
      const ttlMs = c.ttlMs === 0 ? session.ttlMs : c.ttlMs
      const token = write(s, { type: 'lock', key: c.key, session: session.id, token: s.revision + 1 })
      l.locks.set(c.key, { name: c.key, session: session.id, token, ttlMs })
      session.ttlMs = Math.max(session.ttlMs, ttlMs)
      noteDeadline(l, session.renewedAtMs + ttlMs)
      return { granted: true, token, revision: token }
    }
    case 'unlock': {
      const held = l.locks.get(c.key)
      if (held == null || held.session !== c.session || held.token !== c.token) {
        return { released: false, revision: s.revision }
      }
      return { released: true, revision: release(s, held) }
    }
    case 'tick':
      return { revision: s.revision }
  }
}
