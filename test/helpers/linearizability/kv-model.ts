/**
 * The model of a consensus group's key-value store for the checker: put,
 * get, delete and compare-and-set with group-wide revisions, checked one key
 * at a time.
 *
 * Per key the state is its value (or absence) and the revision of its last
 * write. A put returns its revision and the key adopts it, which must be
 * above the key's; a cas succeeds iff the key's revision (0 if absent)
 * equals the expected one. A write whose outcome is unknown leaves a
 * revision known only to be above the previous one, pinned down when a
 * later read observes it.
 *
 * Checking keys separately cannot see orders across keys, so
 * {@link checkKv} also checks that revisions are group-wide: no two writes
 * share one, and a write that returned before another was called has the
 * lower revision.
 */
import { check } from './checker.ts'
import type { CheckOptions, CheckResult, Model, Operation } from './checker.ts'
import type { JsonValue } from '../../../src/consensus/types.ts'

export type KvInput =
  | { op: 'put', key: string, value: JsonValue }
  | { op: 'get', key: string }
  | { op: 'delete', key: string }
  | { op: 'cas', key: string, expected: number, value: JsonValue }

export type KvOutput =
  | { revision: number } // put
  | { value: JsonValue, revision: number } | undefined // get
  | { revision: number, deleted: boolean } // delete
  | { ok: boolean, revision: number } // cas

export type KvOperation = Operation<KvInput, KvOutput>

export interface KeyState {
  /** Canonical JSON of the value; undefined while absent */
  value?: string
  /** Revision of the key's last write (0 never written) */
  revision: number
  /** false: the revision is unknown, only known to be above `revision` */
  exact: boolean
}

/** Canonical JSON: object keys sorted, so equal values compare equal. */
export function canonical (value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The lowest revision a new write may have: above the key's, known or not. */
const above = (s: KeyState): number => s.exact ? s.revision + 1 : s.revision + 2
/** Whether the key's revision can be `r`; an unknown one becomes known. */
const canBe = (s: KeyState, r: number): boolean => s.exact ? s.revision === r : r > s.revision
/** A write of unknown revision after `s`. */
const unknownAfter = (s: KeyState, value: string | undefined): KeyState => ({ value, revision: above(s) - 1, exact: false })

export const kvModel: Model<KeyState, KvInput, KvOutput> = {
  init: () => ({ revision: 0, exact: true }),
  hash: s => `${s.value ?? '-'}|${s.exact ? '=' : '>'}${s.revision}`,
  partition (history) {
    const parts = new Map<string, KvOperation[]>()
    for (const op of history) {
      // a read of unknown outcome says nothing
      if (op.input.op === 'get' && op.returnAt == null) continue
      const part = parts.get(op.input.key) ?? []
      part.push(op)
      parts.set(op.input.key, part)
    }
    return parts
  },
  precedence (ops) {
    // writes that took effect go in revision order; a read of revision r
    // comes after the write of r and before the next write
    const pairs: Array<[number, number]> = []
    const ws = ops.map((op, i) => [i, writeRevision(op)] as const).filter(([, r]) => r != null).sort((a, b) => a[1]! - b[1]!)
    for (let w = 1; w < ws.length; w++) pairs.push([ws[w - 1][0], ws[w][0]])
    const byRevision = new Map(ws.map(([i, r]) => [r!, i]))
    ops.forEach((op, i) => {
      const r = readRevision(op)
      if (r == null) return
      const write = byRevision.get(r)
      if (write != null) pairs.push([write, i])
      // the first write above r, by binary search
      let lo = 0
      let hi = ws.length
      while (lo < hi) {
        const mid = (lo + hi) >>> 1
        if (ws[mid][1]! <= r) lo = mid + 1
        else hi = mid
      }
      if (lo < ws.length) pairs.push([i, ws[lo][0]])
    })
    return pairs
  },
  step (s, input, output, known) {
    const present = s.value !== undefined
    switch (input.op) {
      case 'get': {
        const out = output as { value: JsonValue, revision: number } | undefined
        if (out === undefined) return present ? undefined : s
        return present && s.value === canonical(out.value) && canBe(s, out.revision) ? { ...s, revision: out.revision, exact: true } : undefined
      }
      case 'put': {
        const value = canonical(input.value)
        if (!known) return unknownAfter(s, value)
        const r = (output as { revision: number }).revision
        return r >= above(s) ? { value, revision: r, exact: true } : undefined
      }
      case 'delete': {
        if (!known) return present ? unknownAfter(s, undefined) : undefined
        const out = output as { revision: number, deleted: boolean }
        if (!out.deleted) return present ? undefined : s
        return present && out.revision >= above(s) ? { revision: out.revision, exact: true } : undefined
      }
      case 'cas': {
        const matches = input.expected === 0 ? !present : present && canBe(s, input.expected)
        // a cas of known expected revision pins an unknown one down
        const before: KeyState = input.expected !== 0 && matches ? { ...s, revision: input.expected, exact: true } : s
        const value = canonical(input.value)
        if (!known) return matches ? unknownAfter(before, value) : undefined
        const out = output as { ok: boolean, revision: number }
        if (out.ok) {
          return matches && out.revision >= above(before) ? { value, revision: out.revision, exact: true } : undefined
        }
        // a failed cas reports the key's revision (0 if absent), which is not the expected one
        if (out.revision === input.expected) return undefined
        if (!present) return out.revision === 0 ? s : undefined
        return canBe(s, out.revision) ? { ...s, revision: out.revision, exact: true } : undefined
      }
    }
  }
}

/** The revision a completed write created, if it took effect. */
function writeRevision (op: KvOperation): number | undefined {
  if (op.returnAt == null || op.output == null) return undefined
  const o = op.output as { revision: number, ok?: boolean, deleted?: boolean }
  const took = op.input.op === 'put' || (op.input.op === 'cas' && o.ok === true) || (op.input.op === 'delete' && o.deleted === true)
  return took ? o.revision : undefined
}

/** The revision of a present key a completed read saw, if it saw one. */
function readRevision (op: KvOperation): number | undefined {
  if (op.returnAt == null || op.output == null) return undefined
  const o = op.output as { revision: number, ok?: boolean }
  if (op.input.op === 'get') return o.revision
  if (op.input.op === 'cas' && o.ok === false && o.revision !== 0) return o.revision
  return undefined
}

/** Revisions of the writes that certainly took effect, with their times. */
function writes (history: KvOperation[]): Array<{ revision: number, callAt: number, returnAt: number }> {
  const out: Array<{ revision: number, callAt: number, returnAt: number }> = []
  for (const op of history) {
    const revision = writeRevision(op)
    if (revision != null) out.push({ revision, callAt: op.callAt, returnAt: op.returnAt! })
  }
  return out
}

/** Why the history's revisions are not group-wide, if they are not. */
export function revisionOrderViolation (history: KvOperation[]): string | undefined {
  const ws = writes(history)
  const byRevision = new Map<number, number>()
  for (const w of ws) {
    byRevision.set(w.revision, (byRevision.get(w.revision) ?? 0) + 1)
    if (byRevision.get(w.revision)! > 1) return `two writes have revision ${w.revision}`
  }
  // every write must be above all writes that returned before it was called
  const byReturn = [...ws].sort((a, b) => a.returnAt - b.returnAt)
  const byCall = [...ws].sort((a, b) => a.callAt - b.callAt)
  let i = 0
  let highest = 0
  for (const w of byCall) {
    while (i < byReturn.length && byReturn[i].returnAt < w.callAt) highest = Math.max(highest, byReturn[i++].revision)
    if (w.revision <= highest) return `a write called at ${w.callAt} has revision ${w.revision}, not above ${highest} of a write that returned before`
  }
  return undefined
}

export type KvCheckResult = CheckResult<KvInput, KvOutput> | { result: 'illegal', steps: number, partition: '(revisions)', reason: string }

/** Checks a key-value history: linearizable per key, and revisions group-wide. */
export function checkKv (history: KvOperation[], options?: CheckOptions): KvCheckResult {
  const violation = revisionOrderViolation(history)
  if (violation != null) {
    return { result: 'illegal', steps: 0, partition: '(revisions)', reason: violation }
  }
  return check(kvModel, history, options)
}
