import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueCapability } from '../../src/index.ts'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { PrivateKey } from '@libp2p/interface'

describe('access control', () => {
  let mesh: TestMesh
  let owner: PrivateKey
  let worker: TestMesh['nodes'][number]
  let friend: TestMesh['nodes'][number]
  let stranger: TestMesh['nodes'][number]

  beforeAll(async () => {
    mesh = await createMeshOf(4)
    ;[, worker, friend, stranger] = mesh.nodes
    owner = await generateKeyPair('Ed25519')
    worker.serve('listed', async () => 'ok', { access: { allow: [friend.peerId] } })
    worker.serve('tokened', async () => 'ok', { access: { owner: peerIdFromPrivateKey(owner).toString() } })
    await friend.waitForWorkers('tokened')
    await stranger.waitForWorkers('tokened')
  })

  afterAll(async () => { await mesh.stop() })

  it('an allow-listed peer may call; another gets AccessDeniedError', async () => {
    expect(await friend.request('listed')).toBe('ok')
    await expect(stranger.request('listed')).rejects.toHaveProperty('name', 'AccessDeniedError')
  })

  it('a capability token signed by the owner grants its holder the service', async () => {
    const token = await issueCapability(owner, { peer: stranger.peerId, services: ['tokened'], ttlMs: 60_000 })
    expect(await stranger.request('tokened', null, { token })).toBe('ok')
  })

  it('refuses a missing, stolen, expired, foreign or wrong-service token', async () => {
    const forFriend = await issueCapability(owner, { peer: friend.peerId, services: ['tokened'], ttlMs: 60_000 })
    const expired = await issueCapability(owner, { peer: stranger.peerId, services: ['tokened'], ttlMs: 1 })
    const otherOwner = await issueCapability(await generateKeyPair('Ed25519'), { peer: stranger.peerId, services: ['tokened'], ttlMs: 60_000 })
    const otherService = await issueCapability(owner, { peer: stranger.peerId, services: ['listed'], ttlMs: 60_000 })
    await new Promise(resolve => setTimeout(resolve, 5))
    for (const token of [undefined, forFriend, expired, otherOwner, otherService, new Uint8Array([1, 2, 3])]) {
      await expect(stranger.request('tokened', null, { token })).rejects.toHaveProperty('name', 'AccessDeniedError')
    }
  })
})

describe('per-peer limits', () => {
  let mesh: TestMesh | undefined
  afterAll(async () => { await mesh?.stop() })

  it('a peer past its rate gets RateLimitedError; nothing is silently dropped', async () => {
    mesh = await createMeshOf(3, { limits: { maxRatePerPeer: 20, burstPerPeer: 20 } })
    const [, worker, caller] = mesh.nodes
    worker.serve('cheap', async (x: number) => x)
    await caller.waitForWorkers('cheap')
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, async (_, i) => caller.request('cheap', i, { maxAttempts: 1 })))
    const ok = outcomes.filter(o => o.status === 'fulfilled')
    const refused = outcomes.filter(o => o.status === 'rejected')
    expect(ok.length + refused.length).toBe(100)
    expect(ok.length).toBeGreaterThanOrEqual(20)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every(o => (o as PromiseRejectedResult).reason.name === 'RateLimitedError')).toBe(true)
  })
})
