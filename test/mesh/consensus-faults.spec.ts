/**
 * Faults a group lives through: its leader stopping under writes in flight,
 * and a peer that sends the members garbage or Raft messages it has no
 * right to send.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RAFT_PROTOCOL } from '../../src/consensus/constants.ts'
import { encodeRaftFrame } from '../../src/consensus/transport/codec.ts'
import { eventually } from '../helpers/mesh.ts'
import { createGroup } from './consensus-group.ts'
import type { TestGroup } from './consensus-group.ts'
import type { Message } from '../../src/consensus/raft/messages.ts'
import type { MeshNode } from '../../src/types.ts'

describe('a group whose leader stops under writes', () => {
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('failover', 3, 1) })
  afterAll(async () => { await g?.stop() })

  it('elects another; every write in flight succeeded once or says its outcome is unknown; writes go on', async () => {
    const { index } = await g.leader()
    const client = await g.clients[0].consensus('failover')
    const start = (await client.put('start', 0)).revision
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, async (_, i) => {
      if (i === 20) void g.members[index].stop()
      return client.put(`k/${i}`, i)
    }))
    const failed = outcomes.filter(o => o.status === 'rejected').map(o => (o as PromiseRejectedResult).reason.name)
    expect(failed.every(name => name === 'OutcomeUnknownError' || name === 'NoLeaderError')).toBe(true)
    await g.leader()
    const after = await client.put('after', 1)
    // every write that succeeded is there with its revision; none was applied twice
    const seen: Array<{ key: string, revision: number }> = []
    const off = client.watch('', c => { seen.push(c) }, { fromRevision: start + 1 })
    await eventually(() => seen.some(c => c.key === 'after'), 10_000, 'the watch reaching the last write')
    off()
    const keys = seen.map(c => c.key)
    expect(new Set(keys).size).toBe(keys.length)
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled') expect(seen.find(c => c.key === `k/${i}`)?.revision).toBe(o.value.revision)
    })
    expect(after.revision).toBe(start + seen.length)
  })
})

describe('raft frames from a peer that is no member', () => {
  let g: TestGroup
  let evil: MeshNode

  beforeAll(async () => {
    g = await createGroup('guarded', 3, 1)
    evil = g.clients[0]
  })
  afterAll(async () => { await g?.stop() })

  const sendRaw = async (to: string, bytes: Uint8Array): Promise<void> => {
    const stream = await evil.libp2p.dialProtocol(peerIdFromString(to), RAFT_PROTOCOL)
    stream.send(bytes)
    await new Promise(resolve => setTimeout(resolve, 50))
  }

  it('refuses messages in a non-member\'s name, and in a member\'s name, and the group goes on', async () => {
    const { index } = await g.leader()
    const before = await g.groups[index].status()
    const target = g.ids[(index + 1) % 3]
    // a heartbeat of a later term would make its sender the leader
    const lead = (from: string): Message => ({ type: 'heartbeat', from, to: target, term: before.term + 100, commit: 0, context: 0 })
    await sendRaw(target, encodeRaftFrame('guarded', [lead(evil.peerId)]))
    await sendRaw(target, encodeRaftFrame('guarded', [lead(g.ids[(index + 2) % 3])]))
    await sendRaw(target, encodeRaftFrame('nosuchgroup', [lead(evil.peerId)]))
    const status = await g.groups[(index + 1) % 3].status()
    expect(status.term).toBe(before.term)
    expect(status.leader).toBe(g.ids[index])
    expect((await g.groups[0].put('still', 1)).revision).toBeGreaterThan(0)
  })

  it('a malformed or oversized frame resets the stream and counts against its sender until it is cut off; the member runs on', async () => {
    const { index } = await g.leader()
    const target = g.ids[(index + 2) % 3]
    const garbage = new Uint8Array([5, 0xff, 0xff, 0xff, 0xff, 0xff])
    const huge = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04])
    const member = g.members[(index + 2) % 3]
    for (let i = 0; i < 12 && member.libp2p.getConnections(peerIdFromString(evil.peerId)).length > 0; i++) {
      await sendRaw(target, i % 2 === 0 ? garbage : huge).catch(() => {})
    }
    await eventually(() => member.libp2p.getConnections(peerIdFromString(evil.peerId)).length === 0, 5_000, 'the sender hung up on')
    await expect(evil.libp2p.dialProtocol(peerIdFromString(target), RAFT_PROTOCOL)).rejects.toThrow()
    const group = g.groups[(index + 2) % 3]
    expect((await group.put('after-garbage', 1)).revision).toBeGreaterThan(0)
    expect((await group.status()).leader).toBeDefined()
  })
})
