/**
 * A peer without the right to a protected service, over real TCP peers:
 * no token, another peer's token, a token the caller signed itself, an
 * expired one, one for another service, garbage, through direct dispatch,
 * broadcast claims and raw TASK frames. Every call fails with
 * AccessDeniedError and the handler never runs. A peer without the mesh's
 * pre-shared key cannot even connect.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode, issueCapability } from '../../node/index.ts'
import { KIND_ERROR, KIND_TASK } from '../../src/wire/frame.ts'
import { newPsk } from '../chaos/psk.ts'
import { eventually } from '../helpers/mesh.ts'
import { hostilePeer } from './hostile.ts'
import type { MeshNode } from '../../src/types.ts'
import type { PrivateKey } from '@libp2p/interface'

describe('a peer without a capability calling a protected service', () => {
  let relay: MeshNode
  let worker: MeshNode
  let caller: MeshNode
  let owner: PrivateKey
  let runs = 0

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', webrtc: false })
    const bootstrap = [relay.addrs()[0]]
    worker = await createMeshNode({ bootstrap, webrtc: false })
    caller = await createMeshNode({ bootstrap, webrtc: false })
    owner = await generateKeyPair('Ed25519')
    worker.serve('secret', async () => { runs++; return 'the secret' }, { access: { owner: peerIdFromPrivateKey(owner).toString() } })
    worker.serve('members', async () => { runs++; return 'members only' }, { access: { allow: [relay.peerId] } })
    await caller.waitForWorkers('secret', 1)
    await caller.waitForWorkers('members', 1)
  }, 60_000)

  afterAll(async () => { await Promise.all([caller, worker, relay].map(async n => n?.stop())) })

  it('every kind of missing or wrong token is refused, by any route, and the handler never runs', async () => {
    const self = await generateKeyPair('Ed25519')
    const other = await createMeshNode({ webrtc: false })
    const tokens: Array<Uint8Array | undefined> = [
      undefined,
      await issueCapability(owner, { peer: other.peerId, services: ['secret'], ttlMs: 60_000 }),
      await issueCapability(self, { peer: caller.peerId, services: ['secret'], ttlMs: 60_000 }),
      await issueCapability(owner, { peer: caller.peerId, services: ['secret'], ttlMs: 1 }),
      await issueCapability(owner, { peer: caller.peerId, services: ['members'], ttlMs: 60_000 }),
      crypto.getRandomValues(new Uint8Array(64)),
      new Uint8Array(5000)
    ]
    await other.stop()
    await new Promise(resolve => setTimeout(resolve, 5))
    for (const token of tokens) {
      for (const mode of ['direct', 'broadcast'] as const) {
        await expect(caller.request('secret', null, { token, mode, timeoutMs: 10_000 })).rejects.toHaveProperty('name', 'AccessDeniedError')
      }
    }
    await expect(caller.request('members', null, { timeoutMs: 10_000 })).rejects.toHaveProperty('name', 'AccessDeniedError')
    // raw TASK frames with a forged token get a refusal frame too
    const evil = await hostilePeer({ bootstrap: [relay.addrs()[0], worker.addrs()[0]] })
    try {
      const channel = await evil.channel(worker.peerId)
      for (let i = 0; i < 10; i++) {
        channel.send({ kind: KIND_TASK, task: `t${i}`, attempt: 1, service: i % 2 === 0 ? 'secret' : 'members', token: tokens[(i % 6) + 1] })
      }
      await eventually(() => channel.received.filter(f => f.kind === KIND_ERROR).length === 10, 10_000, 'ten refusals')
      expect(new Set(channel.received.map(f => f.code))).toEqual(new Set(['AccessDeniedError']))
    } finally {
      await evil.stop()
    }
    expect(runs).toBe(0)
    // while the holder of a right token is served
    const token = await issueCapability(owner, { peer: caller.peerId, services: ['secret'], ttlMs: 60_000 })
    expect(await caller.request('secret', null, { token })).toBe('the secret')
  })
})

describe('a private mesh (pre-shared key)', () => {
  let relay: MeshNode
  let worker: MeshNode
  const psk = newPsk()

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', psk })
    worker = await createMeshNode({ bootstrap: [relay.addrs()[0]], psk })
    worker.serve('echo', async (x: unknown) => x)
  }, 60_000)

  afterAll(async () => { await Promise.all([worker, relay].map(async n => n?.stop())) })

  it('a member is served; a peer without the key, or with another key, cannot connect', async () => {
    const member = await createMeshNode({ bootstrap: [relay.addrs()[0]], psk })
    try {
      await member.waitForWorkers('echo', 1)
      expect(await member.request('echo', 'in')).toBe('in')
    } finally {
      await member.stop()
    }
    for (const key of [undefined, newPsk()]) {
      const outsider = await createMeshNode({ webrtc: false, psk: key })
      try {
        await expect(outsider.libp2p.dial(multiaddr(relay.addrs()[0]), { signal: AbortSignal.timeout(3_000) })).rejects.toThrow()
        await expect(outsider.libp2p.dial(multiaddr(worker.addrs()[0]), { signal: AbortSignal.timeout(3_000) })).rejects.toThrow()
        expect(outsider.peers()).toEqual([])
      } finally {
        await outsider.stop()
      }
    }
  })
})
