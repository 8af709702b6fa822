/**
 * Membership as the log says it: the members in the snapshot, changed one
 * member at a time by conf entries. A member uses the newest configuration in
 * its log, committed or not (single-server changes).
 */
import { ProtocolError } from '../../errors.ts'
import type { ConfChange, Entry } from '../log-types.ts'
import { MAX_ID_LENGTH } from './constants.ts'

const ADD = 1
const REMOVE = 2
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** The bytes of a conf entry's `data`: one type byte, then the member id in UTF-8. */
export function encodeConfChange (change: ConfChange): Uint8Array {
  const id = encoder.encode(change.member)
  const out = new Uint8Array(id.length + 1)
  out[0] = change.type === 'add' ? ADD : REMOVE
  out.set(id, 1)
  return out
}

/** Reads a conf entry's `data`; malformed bytes are a `ProtocolError`. */
export function decodeConfChange (data: Uint8Array): ConfChange {
  if (data.length < 2 || data.length > MAX_ID_LENGTH + 1 || (data[0] !== ADD && data[0] !== REMOVE)) {
    throw new ProtocolError('malformed conf change')
  }
  let member: string
  try {
    member = decoder.decode(data.subarray(1))
  } catch (err) {
    throw new ProtocolError('malformed conf change member', { cause: err })
  }
  return { type: data[0] === ADD ? 'add' : 'remove', member }
}

/** `members` after `change`. */
export function applyConfChange (members: readonly string[], change: ConfChange): string[] {
  if (change.type === 'add') {
    return members.includes(change.member) ? [...members] : [...members, change.member]
  }
  return members.filter(m => m !== change.member)
}

/** Tracks the configuration through appends, truncations, snapshots and compaction. */
export class Membership {
  private base: string[]
  private changes: Array<{ index: number, change: ConfChange }> = []
  private cached: string[]

  constructor (base: readonly string[]) {
    this.base = [...base]
    this.cached = this.base
  }

  /** The newest configuration in the log */
  get members (): readonly string[] {
    return this.cached
  }

  has (id: string): boolean {
    return this.cached.includes(id)
  }

  /** Index of the newest conf entry in the log, 0 if none after the snapshot */
  get lastChangeIndex (): number {
    return this.changes.at(-1)?.index ?? 0
  }

  /** The configuration as of `index` (at least the snapshot's index) */
  at (index: number): string[] {
    let members = this.base
    for (const c of this.changes) {
      if (c.index > index) break
      members = applyConfChange(members, c.change)
    }
    return [...members]
  }

  appended (entries: readonly Entry[]): void {
    let changed = false
    for (const e of entries) {
      if (e.type === 'conf') {
        this.changes.push({ index: e.index, change: decodeConfChange(e.data) })
        changed = true
      }
    }
    if (changed) this.recompute()
  }

  /** Entries from `index` on were dropped */
  truncated (index: number): void {
    const before = this.changes.length
    this.changes = this.changes.filter(c => c.index < index)
    if (this.changes.length !== before) this.recompute()
  }

  /** The log now starts after a snapshot at `index` with these members */
  restored (members: readonly string[]): void {
    this.base = [...members]
    this.changes = []
    this.recompute()
  }

  /** Entries up to `index` are folded into a snapshot */
  compacted (index: number): void {
    this.base = this.at(index)
    this.changes = this.changes.filter(c => c.index > index)
    this.recompute()
  }

  private recompute (): void {
    this.cached = this.at(Number.MAX_SAFE_INTEGER)
  }
}
