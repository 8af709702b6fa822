/**
 * Node to node, introduced by the relay: two peers on TCP that were given
 * only the relay's address learn each other's addresses from presence and
 * connect directly; the calls between them travel on that direct TCP
 * connection, not through the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peerIdFromString } from '@libp2p/peer-id'
import { createMeshNode } from '../../node/index.ts'
import { TASK_PROTOCOL } from '../../src/constants.ts'
import { eventually } from '../helpers/mesh.ts'
import type { MeshNode } from '../../src/types.ts'

describe('two nodes introduced by a relay', () => {
  let relay: MeshNode
  let worker: MeshNode
  let caller: MeshNode

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', webrtc: false })
    const bootstrap = [relay.addrs()[0]]
    worker = await createMeshNode({ bootstrap, webrtc: false })
    caller = await createMeshNode({ bootstrap, webrtc: false })
    worker.serve('whoami', async (_input: unknown, ctx) => ctx.requester)
    await caller.waitForWorkers('whoami', 1)
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
