/**
 * The state machine's snapshot encoding. Deterministic: keys, sessions and
 * locks are written sorted, dedup clients in their eviction order (which is
 * part of the state), history in revision order, so the same state always
 * gives the same bytes.
 */
import { ProtocolError } from '../../errors.ts'
import { KV_ENCODING_VERSION } from './constants.ts'
import { KvState as Wire } from './generated/kv.js'
import { nextDeadline } from './leases.ts'
import { kvState } from './state.ts'
import type { ClientResults } from './dedup.ts'
import type { ChangeRecord, ChangeType } from './history.ts'
import type { KvState, KvStateInit } from './state.ts'

const CHANGE_TYPES: ChangeType[] = ['put', 'delete', 'lock', 'unlock']

const EMPTY = new Uint8Array(0)

const byString = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

export function encodeState (s: KvState): Uint8Array {
  return Wire.encode({
    version: KV_ENCODING_VERSION,
    appliedIndex: s.appliedIndex,
    revision: s.revision,
    clockMs: s.clock.nowMs,
    clockTerm: s.clock.term,
    clockLastMs: s.clock.lastMs,
    nextSession: s.leases.nextSession,
    historyStart: s.history.start(),
    keys: [...s.keys].sort(([a], [b]) => byString(a, b)).map(([key, k]) => ({
      key, value: k.value as Uint8Array<ArrayBuffer>, createRevision: k.createRevision, modRevision: k.modRevision, version: k.version
    })),
    sessions: [...s.leases.sessions.values()].sort((a, b) => a.id - b.id).map(x => ({
      id: x.id, owner: x.owner, ttlMs: x.ttlMs, renewedAtMs: x.renewedAtMs
    })),
    locks: [...s.leases.locks.values()].sort((a, b) => byString(a.name, b.name)).map(x => ({
      name: x.name, session: x.session, token: x.token, ttlMs: x.ttlMs
    })),
    clients: s.dedup.entries().map(([client, c]) => ({
      client,
      floor: c.floor,
      results: [...c.results].sort(([a], [b]) => a - b).map(([seq, result]) => ({ seq, result: JSON.stringify(result) }))
    })),
    history: s.history.all().map(c => ({
      revision: c.revision,
      type: CHANGE_TYPES.indexOf(c.type) + 1,
      key: c.key,
      value: (c.value ?? EMPTY) as Uint8Array<ArrayBuffer>,
      session: c.session ?? 0,
      token: c.token ?? 0
    }))
  })
}

/**
 * Rebuilds a state from snapshot bytes.
 *
 * @throws ProtocolError if the bytes are not a snapshot this code can read
 */
export function decodeState (data: Uint8Array, limits: KvStateInit): KvState {
  let w: Wire
  try {
    w = Wire.decode(data)
  } catch (err) {
    throw new ProtocolError('undecodable key-value snapshot', { cause: err })
  }
  if (w.version !== KV_ENCODING_VERSION) {
    throw new ProtocolError(`unknown key-value snapshot version ${w.version}`)
  }
  const s = kvState(limits)
  s.appliedIndex = w.appliedIndex
  s.revision = w.revision
  s.clock = { nowMs: w.clockMs, term: w.clockTerm, lastMs: w.clockLastMs }
  for (const k of w.keys) {
    s.keys.set(k.key, { value: k.value, createRevision: k.createRevision, modRevision: k.modRevision, version: k.version })
    s.storeBytes += k.key.length * 3 + k.value.byteLength
  }
  s.leases.nextSession = w.nextSession
  for (const x of w.sessions) {
    s.leases.sessions.set(x.id, { id: x.id, owner: x.owner, ttlMs: x.ttlMs, renewedAtMs: x.renewedAtMs })
  }
  for (const x of w.locks) {
    s.leases.locks.set(x.name, { name: x.name, session: x.session, token: x.token, ttlMs: x.ttlMs })
  }
  s.leases.dueAtMs = nextDeadline(s.leases)
  try {
    s.dedup.load(w.clients.map(c => [c.client, {
      floor: c.floor,
      results: new Map(c.results.map(r => [r.seq, JSON.parse(r.result)]))
    } satisfies ClientResults]))
  } catch (err) {
    throw new ProtocolError('bad dedup results in a key-value snapshot', { cause: err })
  }
  const changes: ChangeRecord[] = []
  for (const c of w.history) {
    const type = CHANGE_TYPES[c.type - 1]
    if (type == null) {
      throw new ProtocolError(`unknown change type ${c.type} in a key-value snapshot`)
    }
    changes.push(type === 'put'
      ? { revision: c.revision, type, key: c.key, value: c.value }
      : type === 'delete'
        ? { revision: c.revision, type, key: c.key }
        : { revision: c.revision, type, key: c.key, session: c.session, token: c.token })
  }
  s.history.load(changes, w.historyStart)
  return s
}
