import { describe, expect, it } from 'vitest'
import { createRaftCore, seededRng } from '../../src/consensus/raft/index.ts'
import type { Message, RaftCore } from '../../src/consensus/raft/index.ts'
import { drain, founding } from './drive.ts'

const founded = (): RaftCore => createRaftCore({
  id: 'a',
  rng: seededRng(41),
  persisted: { hardState: { term: 1, commit: 3 }, entries: founding(['a', 'b', 'c']) }
})

const append = (fields: Record<string, unknown>): Message => ({
  type: 'append', from: 'b', to: 'a', term: 2, prevIndex: 3, prevTerm: 1, entries: [], commit: 3, ...fields
}) as Message

describe('raft message validation', () => {
  const malformed: Array<[string, Message]> = [
    ['a negative term', append({ term: -1 })],
    ['a fractional index', append({ prevIndex: 1.5 })],
    ['an unknown type', { ...append({}), type: 'elect-me' } as unknown as Message],
    ['another addressee', append({ to: 'z' })],
    ['entries out of sequence', append({ entries: [{ index: 5, term: 2, type: 'normal', data: new Uint8Array(0) }] })],
    ['an entry from a later term', append({ entries: [{ index: 4, term: 3, type: 'normal', data: new Uint8Array(0) }] })],
    ['entry data that is not bytes', append({ entries: [{ index: 4, term: 2, type: 'normal', data: 'x' }] })],
    ['a malformed conf change', append({ entries: [{ index: 4, term: 2, type: 'conf', data: new Uint8Array([9, 1]) }] })],
    ['a snapshot with no members list', { type: 'snapshot', from: 'b', to: 'a', term: 2, snapshot: { index: 9, term: 2, data: new Uint8Array(0) } } as unknown as Message],
    ['a vote request without lastTerm', { type: 'vote', from: 'b', to: 'a', term: 2, lastIndex: 3, transfer: false } as unknown as Message]
  ]

  for (const [what, msg] of malformed) {
    it(`${what} is a ProtocolError and changes nothing`, () => {
      const core = founded()
      drain(core)
      const before = core.status()
      expect(() => core.step(msg)).toThrow(expect.objectContaining({ name: 'ProtocolError' }))
      expect(core.status()).toEqual(before)
      expect(core.hasReady()).toBe(false)
    })
  }

  it('an append behind the commit index leaves committed entries alone and answers with the commit index', () => {
    const core = founded()
    drain(core)
    const entries = [{ index: 3, term: 2, type: 'normal' as const, data: new Uint8Array(0) }]
    core.step(append({ prevIndex: 2, prevTerm: 1, entries, commit: 2 }))
    expect(core.entries(3, 4)[0].type).toBe('conf')
    expect(drain(core).messages).toEqual([expect.objectContaining({ type: 'append-response', index: 3, reject: false })])
  })

  it('ignores a vote request from a peer outside the group', () => {
    const core = founded()
    core.step({ type: 'vote', from: 'stranger', to: 'a', term: 9, lastIndex: 99, lastTerm: 9, transfer: false })
    expect(core.status().term).toBe(1)
    expect(drain(core).messages).toEqual([])
  })

  it('a stale leader learns the newer term from a member it writes to', () => {
    const core = founded()
    core.step(append({ term: 5 }))
    drain(core)
    core.step(append({ term: 3, from: 'c' }))
    const { messages } = drain(core)
    expect(messages).toEqual([expect.objectContaining({ type: 'append-response', to: 'c', term: 5 })])
  })
})
