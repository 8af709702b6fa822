/**
 * The consensus client's caller on its own, over a stand-in for the mesh
 * node: a write whose first attempt may have reached a member (its worker
 * failed under it) must not end in an error that says it did not take
 * effect, whatever a later attempt is told.
 */
import { describe, expect, it } from 'vitest'
import { Caller } from '../../src/consensus/client/caller.ts'
import { NoLeaderError, NoWorkersError } from '../../src/errors.ts'
import type { MeshNode } from '../../src/types.ts'

const SERVICE = 'consensus/config'
const MEMBER = '12D3KooWMember'

/** A node that knows one member and answers each request with the next of `answers` (an Error is thrown). */
function nodeAnswering (answers: unknown[]): { node: MeshNode, asked: unknown[] } {
  const asked: unknown[] = []
  const node = {
    peerId: '12D3KooWClient',
    peers: () => [{ peerId: MEMBER, state: 'alive', services: [SERVICE] }],
    request: async (_service: string, req: unknown) => {
      asked.push(req)
      const next = answers.shift()
      if (next instanceof Error) throw next
      return next
    }
  }
  return { node: node as unknown as MeshNode, asked }
}

const put = { op: 'put', key: 'k', value: 1, client: 'c', seq: 1 } as const
const noLeader = { error: 'NoLeaderError', message: 'the leader changed before the write committed; it did not take effect' }

describe('consensus caller', () => {
  it('a write refused after an attempt whose worker failed under it ends unknown, not refused', async () => {
    const { node, asked } = nodeAnswering([new NoWorkersError(`worker ${MEMBER} failed: closed`, { peerId: MEMBER }), noLeader])
    const err = await new Caller({ node, service: SERVICE }).call(put, { timeoutMs: 5_000 }).then(() => undefined, (e: Error) => e)
    expect(asked).toEqual([put, put])
    expect(err?.name).toBe('OutcomeUnknownError')
  })

  it('a write refused at its first attempt is refused', async () => {
    const { node } = nodeAnswering([noLeader])
    const err = await new Caller({ node, service: SERVICE }).call(put, { timeoutMs: 5_000 }).then(() => undefined, (e: Error) => e)
    expect(err).toBeInstanceOf(NoLeaderError)
  })

  it('a write that found no member to ask is retried, and refused as such', async () => {
    const { node, asked } = nodeAnswering([new NoWorkersError(`no worker serves "${SERVICE}"`), noLeader])
    const err = await new Caller({ node, service: SERVICE }).call(put, { timeoutMs: 5_000 }).then(() => undefined, (e: Error) => e)
    expect(asked).toHaveLength(2)
    expect(err).toBeInstanceOf(NoLeaderError)
  })
})
