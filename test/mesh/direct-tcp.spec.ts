/**
 * Node to node, introduced by the relay: two peers on TCP that were given
 * only the relay's address learn each other's addresses from presence and
 * connect directly; the calls between them travel on that direct TCP
 * connection, not through the relay. A task channel opened while the only
 * link is relayed first dials the peer's TCP address (not its WebRTC one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createMeshNode } from '../../node/index.ts'
import { TASK_PROTOCOL } from '../../src/constants.ts'
import { eventually } from '../helpers/mesh.ts'
import type { MeshNode } from '../../src/types.ts'

/** A relay, and a worker of `whoami` and a caller that were given only its address. */
async function introduced (init: { webrtc?: boolean, minConnections?: number }): Promise<MeshNode[]> {
  const relay = await createMeshNode({ role: 'relay', webrtc: init.webrtc })
  const bootstrap = [relay.addrs()[0]]
  const worker = await createMeshNode({ bootstrap, ...init })
  const caller = await createMeshNode({ bootstrap, ...init })
  worker.serve('whoami', async (_input: unknown, ctx) => ctx.requester)
  await caller.waitForWorkers('whoami', 1)
  return [relay, worker, caller]
}

describe('two nodes introduced by a relay', () => {
  let relay: MeshNode
  let worker: MeshNode
  let caller: MeshNode

  beforeAll(async () => {
    [relay, worker, caller] = await introduced({ webrtc: false })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([caller, worker, relay].map(async n => n?.stop()))
  })

  it('connect directly over TCP, and calls use that connection', async () => {
    expect(caller.libp2p.getConnections().map(c => c.remotePeer.toString())).toContain(relay.peerId)
    expect(await caller.request('whoami', null)).toBe(caller.peerId)
    await eventually(() => caller.peers().some(p => p.peerId === worker.peerId && p.connected && p.direct), 10_000, 'a direct link in the table')

    const links = caller.libp2p.getConnections(peerIdFromString(worker.peerId))
    const addrs = links.map(c => c.remoteAddr.toString())
    console.log(`caller to worker: ${addrs.join(', ')}`)
    expect(addrs.length).toBeGreaterThan(0)
    expect(addrs.every(a => a.includes('/tcp/') && !a.includes('/p2p-circuit'))).toBe(true)
    // the task channel rides one of them
    expect(links.some(c => c.streams.some(s => s.protocol === TASK_PROTOCOL))).toBe(true)
  })
})

describe('a task channel to a peer reached only through the relay', () => {
  let relay: MeshNode
  let worker: MeshNode
  let caller: MeshNode

  beforeAll(async () => {
    // no dials to learned peers: the only link between the two is the one the test makes
    [relay, worker, caller] = await introduced({ minConnections: 0 })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([caller, worker, relay].map(async n => n?.stop()))
  })

  it('rides a TCP connection to its announced address, not WebRTC or the relay', async () => {
    const workerId = peerIdFromString(worker.peerId)
    await caller.libp2p.hangUp(workerId)
    const relayed = await caller.libp2p.dial(multiaddr(`${relay.addrs()[0]}/p2p-circuit/p2p/${worker.peerId}`))
    expect(relayed.remoteAddr.toString()).toContain('/p2p-circuit')
    // the worker announces a WebRTC address too (signalled through the relay)
    await eventually(() => worker.addrs().some(a => a.includes('/webrtc')), 10_000, 'a WebRTC address of the worker')
    await caller.libp2p.peerStore.merge(workerId, { multiaddrs: worker.addrs().map(a => multiaddr(a)) })

    expect(await caller.request('whoami', null)).toBe(caller.peerId)
    const carrying = caller.libp2p.getConnections(workerId).filter(c => c.streams.some(s => s.protocol === TASK_PROTOCOL))
    const addrs = carrying.map(c => c.remoteAddr.toString())
    console.log(`task channel on: ${addrs.join(', ')}`)
    expect(addrs).toHaveLength(1)
    expect(addrs[0]).toContain('/tcp/')
    expect(addrs[0]).not.toContain('/p2p-circuit')
  })
})
