/** Membership of a group over time: members restarted from their data folders, members added and removed. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { createGroup, until } from './consensus-group.ts'
import type { TestGroup } from './consensus-group.ts'
import type { ConsensusGroup } from '../../src/consensus/types.ts'
import type { MeshNode } from '../../src/types.ts'
import type { PrivateKey } from '@libp2p/interface'

/** Small, so that a member away for a few writes catches up from a snapshot */
const SNAPSHOT_ENTRIES = 20

describe('members restarted from their data folders', () => {
  let alone: { node: MeshNode, group: ConsensusGroup }
  let dir: string
  let relay: MeshNode
  const running: MeshNode[] = []
  let keys: PrivateKey[]
  let ids: string[]

  const start = async (i: number): Promise<{ node: MeshNode, group: ConsensusGroup }> => {
    const node = await createMeshNode({ transport: 'memory', bootstrap: relay.addrs(), privateKey: keys[i] })
    running.push(node)
    const group = await node.consensus('durable', { members: ids, dataDir: join(dir, String(i)), snapshotEntries: SNAPSHOT_ENTRIES })
    return { node, group }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshwork-raft-'))
    relay = await createMeshNode({ transport: 'memory', role: 'relay' })
    keys = await Promise.all([0, 1, 2].map(async () => generateKeyPair('Ed25519')))
    ids = keys.map(k => peerIdFromPrivateKey(k).toString())
  })
  afterAll(async () => {
    await Promise.all([...running, relay].map(async n => n.stop()))
    await rm(dir, { recursive: true, force: true })
  })

  it('keep their logs: one alone replays what it had; two again serve and write', async () => {
    const first = await Promise.all([0, 1, 2].map(start))
    const { revision } = await first[0].group.put('kept', { round: 3 })
    // every member has applied the write before they all stop
    await Promise.all(first.map(async m => until(async () => (await m.group.get('kept', { consistency: 'local' }))?.revision === revision || undefined)))
    await Promise.all(first.map(async m => m.node.stop()))
    alone = await start(1)
    // without a quorum it cannot lead, but it holds what its log committed
    const local = await until(async () => alone.group.get('kept', { consistency: 'local' }), 10_000, 'the log replayed')
    expect(local).toMatchObject({ value: { round: 3 }, revision })
    expect((await alone.group.status()).leader).toBeUndefined()
    const second = await start(2)
    expect(await second.group.get('kept', { timeoutMs: 15_000 })).toMatchObject({ value: { round: 3 }, revision })
    expect((await alone.group.put('next', 1, { timeoutMs: 15_000 })).revision).toBe(revision + 1)
  })

  it('one away while the others compacted their logs catches up from a snapshot', async () => {
    const writes = SNAPSHOT_ENTRIES * 3
    let last = 0
    for (let i = 0; i < writes; i++) last = (await alone.group.put(`many/${i % 7}`, i)).revision
    const back = await start(0)
    const seen = await until(async () => {
      const kv = await back.group.get(`many/${(writes - 1) % 7}`, { consistency: 'local' })
      return kv?.revision === last ? kv : undefined
    }, 10_000, 'the returning member caught up')
    expect(seen.value).toBe(writes - 1)
    expect(await back.group.get('kept', { consistency: 'local' })).toMatchObject({ value: { round: 3 } })
  })
})

describe('adding and removing members', () => {
  let g: TestGroup

  beforeAll(async () => { g = await createGroup('grow', 3, 1) })
  afterAll(async () => { await g?.stop() })

  it('a peer added to the group catches up; a removed leader steps down and the rest elect another', async () => {
    const { revision } = await g.groups[0].put('before', 1)
    const joiner = g.clients[0]
    const joined = await joiner.consensus('grow', { members: [...g.ids, joiner.peerId], join: true })
    await g.groups[1].addMember(joiner.peerId)
    const seen = await until(async () => joined.get('before', { consistency: 'local' }), 10_000, 'the new member catching up')
    expect(seen).toMatchObject({ value: 1, revision })
    expect((await g.groups[0].status()).members).toContain(joiner.peerId)

    const { index } = await g.leader()
    await g.groups[(index + 1) % 3].removeMember(g.ids[index])
    const status = await until(async () => {
      const s = await joined.status()
      return s.leader === undefined || s.leader === g.ids[index] || s.members.includes(g.ids[index]) ? undefined : s
    }, 10_000, 'a new leader without the removed one')
    expect(status.members).toHaveLength(3)
    expect(status.members).not.toContain(g.ids[index])
    expect(status.leader).not.toBe(g.ids[index])
    expect((await joined.put('after', 2)).revision).toBeGreaterThan(revision)
  })
})
