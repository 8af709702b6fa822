/**
 * A linearizability checker, generic over a sequential model: Wing and
 * Gong's search for a linearization, with Lowe's improvement of
 * remembering each (set of operations linearized, model state) reached so a
 * configuration is never explored twice, and — when the model partitions its
 * history (one part per key, say) — checking each part on its own, which is
 * sound and complete by P-compositionality (Horn and Kroening) when the
 * object is the product of the parts.
 *
 * An operation whose outcome is unknown (it timed out, or its write's
 * outcome is unknown) has no return: it may take effect at any point after
 * its call, or never.
 *
 * Three further prunings, each keeping the search exact:
 * - a model may name orders its outputs imply (writes in revision order),
 *   and the search never tries another;
 * - a completed operation that leaves the state as it was (a read) is
 *   linearized as soon as it can be, with no alternative tried at that
 *   point: any linearization placing it later can place it there;
 * - a configuration reached with a superset of the unknown-outcome
 *   operations of one whose search failed (same completed set, same
 *   state) is covered by it; unknown-outcome operations are tried after
 *   completed ones, so the smaller sets fail first.
 * Unknown-outcome operations still cost the most: many open at once on one
 * part can exhaust the budget.
 *
 * The search is exponential in the worst case, so it is bounded by a step
 * budget; past it the answer is `unknown`, never a hang.
 *
 * @example
 * ```ts
 * const result = check(kvModel, history, { maxSteps: 1_000_000 })
 * if (result.result === 'illegal') console.log(result.partition)
 * ```
 */

/** One operation of a concurrent history. */
export interface Operation<Input, Output> {
  input: Input
  /** What the operation returned; meaningless while `returnAt` is absent */
  output?: Output
  /** When it was called */
  callAt: number
  /** When it returned; absent if its outcome is unknown */
  returnAt?: number
  /** Who called it, for reports */
  client?: string | number
}

/** A sequential specification. */
export interface Model<State, Input, Output> {
  init(): State
  /**
   * The state after applying `input` with the observed `output`, or
   * undefined if the model cannot produce that output from `state`. With
   * `known` false the output is unknown: return the state as if the
   * operation took effect (or undefined if taking effect is impossible).
   */
  step(state: State, input: Input, output: Output | undefined, known: boolean): State | undefined
  /** A string that is equal for equal states (for the memo). */
  hash(state: State): string
  /**
   * Orders that every linearization of this part must keep, known from the
   * outputs alone (say, writes in revision order): pairs of indexes into
   * `ops`, the first before the second. Only a speed-up: the search then
   * does not try orders the model would refuse later.
   */
  precedence?(ops: Array<Operation<Input, Output>>): Array<[number, number]>
  /** Splits a history into parts checked separately (default: one part). */
  partition?(history: Array<Operation<Input, Output>>): Map<string, Array<Operation<Input, Output>>>
}

export type CheckResult<Input, Output> =
  | { result: 'ok', steps: number }
  | {
    result: 'illegal'
    steps: number
    /** The part with no linearization */
    partition: string
    operations: Array<Operation<Input, Output>>
    /** Most operations of the part linearized at once before the search ran out of options */
    longestPrefix: number
  }
  | { result: 'unknown', steps: number, reason: 'budget' }

export interface CheckOptions {
  /** Model steps allowed per part (default 5,000,000); the memo holds at most as many entries */
  maxSteps?: number
  /**
   * An assumption the system under test guarantees, if any: an operation of
   * unknown outcome took effect within this long of its call, or never.
   * It bounds how long such an operation stays open, which is what makes
   * many of them costly.
   */
  unknownEffectWithin?: number
}

export const DEFAULT_MAX_STEPS = 5_000_000

interface Event {
  op: number
  call: boolean
  time: number
  prev: Event | undefined
  next: Event | undefined
  /** A call's return event, a return's call */
  match?: Event
}

export function check<S, I, O> (model: Model<S, I, O>, history: Array<Operation<I, O>>, options: CheckOptions = {}): CheckResult<I, O> {
  const parts = model.partition?.(history) ?? new Map([['', history]])
  const budget = options.maxSteps ?? DEFAULT_MAX_STEPS
  let steps = 0
  let unknown = false
  for (const [label, ops] of parts) {
    const part = checkPart(model, ops, budget, options.unknownEffectWithin ?? Infinity)
    steps += part.steps
    if (part.result === 'illegal') {
      return { result: 'illegal', steps, partition: label, operations: ops, longestPrefix: part.longestPrefix }
    }
    // go on: another part may still be illegal, which is a definite answer
    unknown ||= part.result === 'unknown'
  }
  return unknown ? { result: 'unknown', steps, reason: 'budget' } : { result: 'ok', steps }
}

type PartResult = { result: 'ok' | 'unknown', steps: number } | { result: 'illegal', steps: number, longestPrefix: number }

function checkPart<S, I, O> (model: Model<S, I, O>, part: Array<Operation<I, O>>, budget: number, effectWithin: number): PartResult {
  // one of unknown outcome called after every return can change nothing any of them saw
  const lastReturn = part.reduce((t, op) => Math.max(t, op.returnAt ?? -Infinity), -Infinity)
  // numbered in call order, which keeps the memo's keys short
  const ops = part.filter(op => op.returnAt != null || op.callAt <= lastReturn).sort((a, b) => a.callAt - b.callAt)
  // completed operations are tracked in a bitset, those of unknown outcome in a bigint
  const slot: number[] = []
  let completed = 0
  let pending = 0
  for (const op of ops) slot.push(op.returnAt != null ? completed++ : pending++)
  const head = eventList(ops, effectWithin)
  // operations each must wait for, and how many of those are not linearized yet
  const after: number[][] = ops.map(() => [])
  const waiting = new Int32Array(ops.length)
  for (const [a, b] of model.precedence?.(ops) ?? []) {
    after[a].push(b)
    waiting[b]++
  }
  const linearized = new Uint32Array(Math.ceil(completed / 32) + 1)
  let linearizedPending = 0n
  const stack: Array<{ event: Event, state: S, unknownPhase: boolean, forced: boolean, key: string, pendingSet: bigint }> = []
  let state = model.init()
  let remaining = completed
  let steps = 0
  let longestPrefix = 0
  let event = head.next

  const mark = (i: number, on: boolean): void => {
    for (const b of after[i]) waiting[b] += on ? -1 : 1
    if (ops[i].returnAt != null) {
      setBit(linearized, slot[i], on)
      remaining += on ? -1 : 1
    } else {
      const bit = 1n << BigInt(slot[i])
      linearizedPending = on ? linearizedPending | bit : linearizedPending & ~bit
    }
  }

  // configurations reached (exactly), and those whose search ended without success
  const seen = new Set<string>()
  const failed = new Map<string, bigint[]>()

  /**
   * The memo key of this configuration if it is new, else undefined. One
   * that failed from the same state with the same completed operations and
   * a subset of these pending ones covers it: anything left to do here
   * could be done there, with more pending operations still free.
   */
  const fresh = (next: S): string | undefined => {
    const key = `${bitsKey(linearized)}#${model.hash(next)}`
    const exact = `${key}#${linearizedPending.toString(36)}`
    if (seen.has(exact) || failed.get(key)?.some(s => (s & ~linearizedPending) === 0n) === true) {
      return undefined
    }
    seen.add(exact)
    return key
  }

  const fail = (key: string, pendingSet: bigint): void => {
    const sets = failed.get(key) ?? []
    // keep only the sets this one does not cover
    failed.set(key, [...sets.filter(s => (pendingSet & ~s) !== 0n), pendingSet])
  }

  // At each point the search tries the operations that may come next
  // (those called before the first return still open): completed ones
  // first, then those of unknown outcome. An operation of unknown outcome
  // tried early and then overwritten reaches a state the search reached,
  // and failed from, without it, which `fresh` then covers, so they cost
  // little unless read.
  let unknownPhase = false
  while (remaining > 0) {
    if (event != null && !event.call && unknownPhase && ops[event.op].returnAt == null) {
      // the deadline of an operation of unknown outcome that nothing here linearized: it never took effect
      if (steps++ >= budget) {
        return { result: 'unknown', steps }
      }
      const call = event.match!
      mark(call.op, true)
      const key = fresh(state)
      if (key != null) {
        // forced: if that leads nowhere, nothing else here does either
        stack.push({ event: call, state, unknownPhase, forced: true, key, pendingSet: linearizedPending })
        lift(call)
        event = head.next
        unknownPhase = false
        continue
      }
      mark(call.op, false)
      event = undefined
    }
    if (event == null || !event.call) {
      if (!unknownPhase) {
        unknownPhase = true
        event = head.next
        continue
      }
      // no order found that linearizes the return reached: backtrack
      const top = stack.pop()
      if (top == null) {
        return { result: 'illegal', steps, longestPrefix }
      }
      fail(top.key, top.pendingSet)
      state = top.state
      mark(top.event.op, false)
      unlift(top.event)
      // after an operation that left the state as it was, no other choice here can do better
      event = top.forced ? undefined : top.event.next
      unknownPhase = top.forced || top.unknownPhase
      continue
    }
    const op = ops[event.op]
    const known = op.returnAt != null
    if (known === unknownPhase || waiting[event.op] > 0) {
      event = event.next
      continue
    }
    if (steps++ >= budget) {
      return { result: 'unknown', steps }
    }
    const next = model.step(state, op.input, op.output, known)
    if (next !== undefined) {
      // A completed operation that leaves the state as it was (a read) may
      // as well go now: any order that puts it later can put it here.
      const forced = known && model.hash(next) === model.hash(state)
      mark(event.op, true)
      const key = fresh(next)
      if (key != null) {
        stack.push({ event, state, unknownPhase, forced, key, pendingSet: linearizedPending })
        state = next
        lift(event)
        longestPrefix = Math.max(longestPrefix, stack.length)
        event = head.next
        unknownPhase = false
        continue
      }
      mark(event.op, false)
      if (forced) {
        // and going now was tried already: so was everything else from here
        event = undefined
        unknownPhase = true
        continue
      }
    }
    event = event.next
  }
  return { result: 'ok', steps }
}

/** Calls and returns in time order (a call before a return at the same time: they overlap). */
function eventList<I, O> (ops: Array<Operation<I, O>>, effectWithin: number): Event {
  const events: Event[] = []
  ops.forEach((op, i) => {
    // one of unknown outcome: a deadline, after which it cannot take effect
    const ret: Event = { op: i, call: false, time: op.returnAt ?? op.callAt + effectWithin, prev: undefined, next: undefined }
    const call: Event = { op: i, call: true, time: op.callAt, prev: undefined, next: undefined, match: ret }
    ret.match = call
    events.push(call, ret)
  })
  events.sort((a, b) => a.time - b.time || (a.call === b.call ? a.op - b.op : a.call ? -1 : 1))
  const head: Event = { op: -1, call: false, time: -Infinity, prev: undefined, next: undefined }
  let prev = head
  for (const e of events) {
    prev.next = e
    e.prev = prev
    prev = e
  }
  return head
}

/** Takes a call and its return out of the list (they stay linked to their neighbours for unlift). */
function lift (call: Event): void {
  call.prev!.next = call.next
  if (call.next != null) call.next.prev = call.prev
  const ret = call.match!
  ret.prev!.next = ret.next
  if (ret.next != null) ret.next.prev = ret.prev
}

function unlift (call: Event): void {
  const ret = call.match!
  ret.prev!.next = ret
  if (ret.next != null) ret.next.prev = ret
  call.prev!.next = call
  if (call.next != null) call.next.prev = call
}

function setBit (bits: Uint32Array, i: number, on: boolean): void {
  const mask = 1 << (i & 31)
  bits[i >>> 5] = on ? bits[i >>> 5] | mask : bits[i >>> 5] & ~mask
}

/**
 * The set as a short exact string: the highest non-empty word, and every
 * word below it that is not full. Operations are numbered in call order
 * and the search linearizes the old ones first, so few words are ever
 * partly full.
 */
function bitsKey (bits: Uint32Array): string {
  let high = bits.length - 1
  while (high >= 0 && bits[high] === 0) high--
  let key = String(high)
  for (let w = 0; w <= high; w++) {
    if (bits[w] !== 0xffffffff) key += `,${w}:${bits[w].toString(36)}`
  }
  return key
}
