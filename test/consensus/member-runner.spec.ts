/**
 * The member runner on its own (one-member groups, no network): proposals
 * resolve with their applied results, reads wait for their index, and a
 * storage that fails stops the member, which then neither answers nor acks.
 */
import { logger } from '@libp2p/logger'
import { describe, expect, it } from 'vitest'
import { StorageError } from '../../src/errors.ts'
import { encodeValue } from '../../src/consensus/kv/index.ts'
import { startMember } from '../../src/consensus/member/runner.ts'
import { memoryStorage } from '../../src/consensus/storage/memory.ts'
import type { Member } from '../../src/consensus/member/runner.ts'
import type { RaftStorage } from '../../src/consensus/log-types.ts'
import type { Message } from '../../src/consensus/raft/messages.ts'

const log = logger('test:member')

async function leading (storage: RaftStorage, sent: Message[] = []): Promise<Member> {
  const member = await startMember({ id: 'a', group: 'g', members: ['a'], storage, send: m => { sent.push(...m) }, log, tickMs: 5 })
  for (let i = 0; i < 400 && member.status().role !== 'leader'; i++) await new Promise(resolve => setTimeout(resolve, 5))
  expect(member.status().role).toBe('leader')
  return member
}

describe('the member runner', () => {
  it('resolves a proposal with its applied result, and a read once applied', async () => {
    const member = await leading(memoryStorage())
    const put = await member.propose({ op: 'put', key: 'k', value: encodeValue('v'), client: 'c', seq: 1 })
    expect(put).toEqual({ revision: 1 })
    await member.readBarrier()
    expect(member.kv.get('k')).toMatchObject({ value: 'v', revision: 1 })
    await member.stop()
  })

  it('stops for good when its storage fails: proposals reject, later calls get the StorageError, messages are ignored', async () => {
    const inner = memoryStorage()
    let failing = false
    const storage: RaftStorage = {
      ...inner,
      save: async update => {
        if (failing) throw new Error('disk full')
        await inner.save(update)
      }
    }
    const sent: Message[] = []
    const member = await leading(storage, sent)
    failing = true
    const pending = member.propose({ op: 'put', key: 'k', value: encodeValue(1), client: 'c', seq: 1 })
    await expect(pending).rejects.toHaveProperty('name', 'OutcomeUnknownError')
    expect(member.failure).toBeInstanceOf(StorageError)
    await expect(member.propose({ op: 'put', key: 'k', value: encodeValue(2), client: 'c', seq: 2 })).rejects.toHaveProperty('name', 'StorageError')
    await expect(member.readBarrier()).rejects.toHaveProperty('name', 'StorageError')
    const before = sent.length
    member.step([{ type: 'vote', from: 'b', to: 'a', term: 99, lastIndex: 99, lastTerm: 99, transfer: true }])
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(sent.length).toBe(before)
    expect(member.status().term).toBeLessThan(99)
    await member.stop()
  })
})
