/**
 * Histories for testing the checker: a sequential run of the key-value
 * state machine, its operations given random overlapping intervals around
 * their linearization points (so the history is linearizable by
 * construction), and a way to corrupt one read so that it is not.
 */
import { encodeCommand, encodeValue, kvStateMachine } from '../../../src/consensus/kv/index.ts'
import { seededRandom as random } from '../../chaos/stats.ts'
import type { Command } from '../../../src/consensus/kv/index.ts'
import type { KvInput, KvOperation, KvOutput } from './kv-model.ts'

export interface GenerateOptions {
  operations: number
  keys: number
  /** How far an interval may reach either side of its linearization point, in points */
  overlap: number
  /** Share of writes whose outcome the caller never learns */
  unknownShare?: number
  seed: number
}

export function linearizableHistory (o: GenerateOptions): KvOperation[] {
  const rand = random(o.seed)
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]
  const kv = kvStateMachine()
  const keys = Array.from({ length: o.keys }, (_, i) => `k${i}`)
  const history: KvOperation[] = []
  let index = 0
  for (let i = 0; i < o.operations; i++) {
    const key = pick(keys)
    const roll = rand()
    const current = kv.get(key)?.revision ?? 0
    const input: KvInput = roll < 0.4
      ? { op: 'get', key }
      : roll < 0.7
        ? { op: 'put', key, value: { n: i } }
        : roll < 0.8
          ? { op: 'delete', key }
          : { op: 'cas', key, expected: rand() < 0.7 ? current : Math.floor(rand() * (current + 2)), value: i }
    const point = i * 10
    const callAt = point - Math.floor(rand() * o.overlap * 10) - 1
    const unknown = input.op !== 'get' && rand() < (o.unknownShare ?? 0)
    // an operation of unknown outcome took effect, or (half the time) never did
    if (unknown && rand() < 0.5) {
      history.push({ input, callAt })
      continue
    }
    let output: KvOutput
    if (input.op === 'get') {
      const found = kv.get(key)
      output = found == null ? undefined : { value: found.value, revision: found.revision }
    } else {
      output = kv.apply({ index: ++index, term: 1, type: 'normal', data: encodeCommand(toCommand(input, i)) }) as KvOutput
    }
    history.push(unknown ? { input, callAt } : { input, output, callAt, returnAt: point + Math.floor(rand() * o.overlap * 10) + 1 })
  }
  return history
}

function toCommand (input: KvInput, seq: number): Command {
  const stamp = { client: 'gen', seq: seq + 1, term: 1, timeMs: 0 }
  switch (input.op) {
    case 'put': return { ...stamp, op: 'put', key: input.key, value: encodeValue(input.value) }
    case 'delete': return { ...stamp, op: 'delete', key: input.key }
    case 'cas': return { ...stamp, op: 'cas', key: input.key, expectedRevision: input.expected, value: encodeValue(input.value) }
    case 'get': throw new Error('a get is not a command')
  }
}

const tookEffect = (op: KvOperation): boolean => {
  if (op.returnAt == null || op.input.op === 'get') return false
  const o = op.output as { ok?: boolean, deleted?: boolean }
  return op.input.op === 'put' || o.ok === true || o.deleted === true
}

/**
 * Makes one read return a value its key had lost before the read began: a
 * write that took effect, overwritten by another that returned before the
 * read was called. Returns undefined if the history has no such read.
 */
export function corruptOneRead (history: KvOperation[], seed: number): KvOperation[] | undefined {
  const rand = random(seed)
  const reads = history.map((op, i) => [op, i] as const).filter(([op]) => op.input.op === 'get' && op.returnAt != null)
  const start = Math.floor(rand() * reads.length)
  for (let n = 0; n < reads.length; n++) {
    const [read, at] = reads[(start + n) % reads.length]
    const before = history
      .filter(op => op.input.key === read.input.key && tookEffect(op))
      .sort((a, b) => (a.output as { revision: number }).revision - (b.output as { revision: number }).revision)
    const latestDone = before.findLastIndex(op => op.returnAt! < read.callAt)
    // a value with its revision, never to be seen again once overwritten (a stale absence could recur)
    const stale = before.slice(0, Math.max(latestDone, 0)).findLast(op => op.input.op !== 'delete')
    if (stale == null) continue
    const output: KvOutput = { value: (stale.input as { value: any }).value, revision: (stale.output as { revision: number }).revision }
    const copy = [...history]
    copy[at] = { ...read, output }
    return copy
  }
  return undefined
}
