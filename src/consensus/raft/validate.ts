/**
 * Checks the fields of a received message before the core looks at it, so a
 * malformed message is a `ProtocolError` (for the runner to count against the
 * sender) and never half-applied. Terms and indexes that are merely new or
 * old are the protocol's business, not malformed.
 */
import { ProtocolError } from '../../errors.ts'
import type { Entry, Snapshot } from '../log-types.ts'
import { MAX_ENTRIES_ACCEPTED, MAX_ID_LENGTH, MAX_MEMBERS } from './constants.ts'
import { decodeConfChange } from './membership.ts'
import type { Message } from './messages.ts'

const MESSAGE_TYPES = new Set(['vote', 'prevote', 'vote-response', 'prevote-response', 'append', 'append-response',
  'heartbeat', 'heartbeat-response', 'snapshot', 'timeout-now'])

function fail (what: string): never {
  throw new ProtocolError(`malformed raft message: ${what}`)
}

function count (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(what)
  return value
}

function id (value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) fail(what)
  return value
}

function bool (value: unknown, what: string): void {
  if (typeof value !== 'boolean') fail(what)
}

function bytes (value: unknown, max: number, what: string): void {
  if (!(value instanceof Uint8Array) || value.length > max) fail(what)
}

function entries (m: { prevIndex: number, prevTerm: number, term: number, entries: unknown }, maxEntryBytes: number): void {
  if (!Array.isArray(m.entries) || m.entries.length > MAX_ENTRIES_ACCEPTED) fail('entries')
  let term = m.prevTerm
  m.entries.forEach((e: Entry, i: number) => {
    if (e === null || typeof e !== 'object') fail('entry')
    if (count(e.index, 'entry index') !== m.prevIndex + 1 + i) fail('entry indexes not consecutive')
    if (count(e.term, 'entry term') < term || e.term > m.term) fail('entry terms out of order')
    term = e.term
    if (e.type !== 'normal' && e.type !== 'conf') fail('entry type')
    bytes(e.data, maxEntryBytes, 'entry data')
    if (e.type === 'conf') decodeConfChange(e.data)
  })
}

function snapshot (s: Snapshot, term: number, maxSnapshotBytes: number): void {
  if (s === null || typeof s !== 'object') fail('snapshot')
  count(s.index, 'snapshot index')
  if (count(s.term, 'snapshot term') > term) fail('snapshot from a later term')
  if (s.index === 0) fail('empty snapshot')
  if (!Array.isArray(s.members) || s.members.length > MAX_MEMBERS) fail('snapshot members')
  for (const m of s.members) id(m, 'snapshot member')
  bytes(s.data, maxSnapshotBytes, 'snapshot data')
}

/** Throws a `ProtocolError` unless `m` is a well-formed message to `self`. */
export function validateMessage (m: Message, self: string, maxEntryBytes: number, maxSnapshotBytes: number): void {
  if (m === null || typeof m !== 'object') fail('not an object')
  if (!MESSAGE_TYPES.has(m.type)) fail('type')
  if (id(m.to, 'to') !== self) fail('addressed to another member')
  if (id(m.from, 'from') === self) fail('from self')
  count(m.term, 'term')
  switch (m.type) {
    case 'vote':
    case 'prevote':
      count(m.lastIndex, 'lastIndex')
      count(m.lastTerm, 'lastTerm')
      if (m.lastTerm > m.term) fail('lastTerm after term')
      bool(m.transfer, 'transfer')
      break
    case 'vote-response':
    case 'prevote-response':
      bool(m.reject, 'reject')
      break
    case 'append':
      count(m.prevIndex, 'prevIndex')
      if (count(m.prevTerm, 'prevTerm') > m.term) fail('prevTerm after term')
      count(m.commit, 'commit')
      entries(m, maxEntryBytes)
      break
    case 'append-response':
      count(m.index, 'index')
      bool(m.reject, 'reject')
      count(m.hintIndex, 'hintIndex')
      count(m.hintTerm, 'hintTerm')
      break
    case 'heartbeat':
      count(m.commit, 'commit')
      count(m.context, 'context')
      break
    case 'heartbeat-response':
      count(m.context, 'context')
      break
    case 'snapshot':
      snapshot(m.snapshot, m.term, maxSnapshotBytes)
      break
    case 'timeout-now':
      break
  }
}
