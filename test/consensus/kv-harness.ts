/** A key-value state machine and a proposer that stamps commands as a leader would. */
import { encodeCommand, encodeValue, kvStateMachine } from '../../src/consensus/kv/index.ts'
import type { Command, KvStateInit } from '../../src/consensus/kv/index.ts'
import type { JsonValue } from '../../src/consensus/types.ts'

export type Body = Command extends infer C ? C extends Command ? Omit<C, 'client' | 'seq' | 'term' | 'timeMs'> : never : never
export type StampFields = Partial<Pick<Command, 'client' | 'seq' | 'term' | 'timeMs'>>

export function harness (init?: KvStateInit) {
  const kv = kvStateMachine(init)
  let index = 0
  let seq = 0
  const h = {
    kv,
    /** The proposing leader's term and monotonic clock */
    term: 1,
    timeMs: 0,
    client: 'client-a',
    data: (body: Body, stamp: StampFields = {}) =>
      encodeCommand({ client: h.client, seq: ++seq, term: h.term, timeMs: h.timeMs, ...stamp, ...body } as Command),
    applyData: (data: Uint8Array) => kv.apply({ index: ++index, term: h.term, type: 'normal', data }),
    run: (body: Body, stamp?: StampFields): any => h.applyData(h.data(body, stamp)),
    put: (key: string, value: JsonValue): any => h.run({ op: 'put', key, value: encodeValue(value) })
  }
  return h
}
