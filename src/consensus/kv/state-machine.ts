/**
 * The key-value state machine a consensus group applies its committed
 * entries to: keys with JSON values, compare-and-set, Chubby-style locks
 * with fencing tokens, a bounded watch history and proposal dedup. Pure and
 * deterministic: no timers, no I/O, no clock (time comes in the commands'
 * stamps, see clock.ts), so every member that applies the same entries holds
 * the same state and its snapshot has the same bytes.
 *
 * @example
 * ```ts
 * const kv = kvStateMachine()
 * kv.apply({ index: 1, term: 1, type: 'normal', data: encodeCommand({ op: 'put', key: 'a', value: encodeValue(1), client: 'c', seq: 1, term: 1, timeMs: 0 }) })
 * kv.get('a') // { value: 1, revision: 1, createRevision: 1, version: 1 }
 * ```
 */
import { CompactedError } from '../../errors.ts'
import { decodeCommand, isKvError, kvError } from './command.ts'
import { advanceClock } from './clock.ts'
import { sweep } from './leases.ts'
import { decodeState, encodeState } from './snapshot.ts'
import { execute, kvState, release } from './state.ts'
import type { Entry, Snapshot } from '../log-types.ts'
import type { JsonValue, KeyValue, StateMachine, WatchChange } from '../types.ts'
import type { KvError } from './command.ts'
import type { ChangeRecord } from './history.ts'
import type { KvResult, KvState, KvStateInit } from './state.ts'

/** A lock grant or release, as watches of locks see it. */
export interface LockChange {
  type: 'lock' | 'unlock'
  name: string
  session: number
  token: number
  revision: number
}

export interface ChangesOptions {
  /** Only keys (or lock names) that start with this */
  prefix?: string
  /** Lock changes instead of key changes */
  locks?: boolean
  /** At most this many changes */
  limit?: number
}

export interface KvStateMachine extends StateMachine {
  /**
   * Applies a committed entry. Returns the command's result, a
   * {@link KvError} if it did nothing (bad bytes, bad arguments, a lapsed
   * session...), or undefined for an entry with no command (a conf change,
   * a leader's empty entry). A proposal applied twice returns its first result.
   */
  apply(entry: Entry): KvResult | KvError | undefined
  /** A key's value and revisions, if present. For reads after ReadIndex. */
  get(key: string): KeyValue | undefined
  /** The keys under `prefix`, in key order, at most `limit`. */
  range(prefix: string, limit?: number): Array<KeyValue & { key: string }>
  /** The group-wide revision: the number of writes applied. */
  revision(): number
  /** Index of the last entry applied. */
  appliedIndex(): number
  /**
   * Changes from `fromRevision` on, in revision order.
   *
   * @throws CompactedError if the history no longer reaches `fromRevision`
   */
  changes(fromRevision: number, options?: ChangesOptions & { locks?: false }): WatchChange[]
  changes(fromRevision: number, options: ChangesOptions & { locks: true }): LockChange[]
  /** The oldest revision a watch may start from. */
  oldestRevision(): number
  /** Who holds a lock, if anyone. */
  holder(name: string): { session: number, owner: string, token: number } | undefined
  /** An open session. */
  session(id: number): { owner: string, ttlMs: number, expiresInMs: number } | undefined
  /** Group time in ms (see clock.ts). */
  clockMs(): number
  /** Group ms until the next lease may lapse: when a leader should propose a tick. */
  msUntilExpiry(): number | undefined
}

const utf8 = new TextDecoder()
const parse = (value: Uint8Array): JsonValue => JSON.parse(utf8.decode(value))

const toWatchChange = (c: ChangeRecord): WatchChange =>
  c.type === 'put'
    ? { type: 'put', key: c.key, value: parse(c.value!), revision: c.revision }
    : { type: 'delete', key: c.key, revision: c.revision }

const toLockChange = (c: ChangeRecord): LockChange =>
  ({ type: c.type as 'lock' | 'unlock', name: c.key, session: c.session ?? 0, token: c.token ?? 0, revision: c.revision })

export function kvStateMachine (init: KvStateInit = {}): KvStateMachine {
  let s: KvState = kvState(init)

  const apply = (entry: Entry): KvResult | KvError | undefined => {
    if (entry.index <= s.appliedIndex) {
      return kvError('already-applied', `entry ${entry.index} is at or below the applied index ${s.appliedIndex}`)
    }
    s.appliedIndex = entry.index
    if (entry.type !== 'normal' || entry.data.byteLength === 0) {
      return undefined
    }
    const command = decodeCommand(entry.data)
    if (isKvError(command)) {
      return command
    }
    advanceClock(s.clock, command.term, command.timeMs)
    for (const lock of sweep(s.leases, s.clock.nowMs).locks) {
      release(s, lock)
    }
    const deduplicated = command.client !== '' && command.op !== 'tick'
    if (deduplicated) {
      const prior = s.dedup.lookup(command.client, command.seq)
      if (prior.found) {
        return prior.result as KvResult | KvError
      }
      if (prior.expired) {
        return kvError('duplicate-expired', `proposal ${command.seq} of ${command.client} is older than the results kept`)
      }
    }
    const result = execute(s, command)
    if (deduplicated) {
      s.dedup.record(command.client, command.seq, result)
    }
    return result
  }

  const toKeyValue = (key: string): KeyValue | undefined => {
    const k = s.keys.get(key)
    return k == null ? undefined : { value: parse(k.value), revision: k.modRevision, createRevision: k.createRevision, version: k.version }
  }

  function changes (fromRevision: number, options?: ChangesOptions & { locks?: false }): WatchChange[]
  function changes (fromRevision: number, options: ChangesOptions & { locks: true }): LockChange[]
  function changes (fromRevision: number, options: ChangesOptions = {}): WatchChange[] | LockChange[] {
    const prefix = options.prefix ?? ''
    const locks = options.locks === true
    const found = s.history.since(
      // revision 1 is the first there is
      Math.max(1, fromRevision),
      c => (c.type === 'lock' || c.type === 'unlock') === locks && c.key.startsWith(prefix),
      options.limit ?? Infinity
    )
    if (found == null) {
      throw new CompactedError(`revision ${fromRevision} is older than the history kept (from ${s.history.start()})`, { oldestRevision: s.history.start() })
    }
    return locks ? found.map(toLockChange) : found.map(toWatchChange)
  }

  return {
    apply,
    snapshot: () => encodeState(s),
    restore (snapshot: Snapshot) {
      const restored = decodeState(snapshot.data, s.limits)
      restored.appliedIndex = snapshot.index
      s = restored
    },
    get: toKeyValue,
    range (prefix, limit = Infinity) {
      const keys = [...s.keys.keys()].filter(k => k.startsWith(prefix)).sort()
      return keys.slice(0, limit).map(key => ({ key, ...toKeyValue(key)! }))
    },
    revision: () => s.revision,
    appliedIndex: () => s.appliedIndex,
    changes,
    oldestRevision: () => s.history.start(),
    holder (name) {
      const lock = s.leases.locks.get(name)
      const session = lock == null ? undefined : s.leases.sessions.get(lock.session)
      return lock == null || session == null ? undefined : { session: lock.session, owner: session.owner, token: lock.token }
    },
    session (id) {
      const session = s.leases.sessions.get(id)
      return session == null ? undefined : { owner: session.owner, ttlMs: session.ttlMs, expiresInMs: session.renewedAtMs + session.ttlMs - s.clock.nowMs }
    },
    clockMs: () => s.clock.nowMs,
    msUntilExpiry () {
      const due = s.leases.dueAtMs
      return due === Infinity ? undefined : Math.max(0, due - s.clock.nowMs)
    }
  }
}
