import { afterEach, describe, expect, it } from 'vitest'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'

describe('presence', () => {
  let mesh: TestMesh | undefined

  afterEach(async () => { await mesh?.stop() })

  it('converges: every peer learns every worker and what it serves', async () => {
    mesh = await createMeshOf(12)
    const workers = mesh.nodes.slice(1, 7)
    workers.forEach((node, i) => { node.serve(`svc-${i}`, async () => i) })
    await eventually(() => mesh!.nodes.every(node =>
      workers.every((w, i) => node === w || node.peers().some(p => p.peerId === w.peerId && p.services.includes(`svc-${i}`) && p.state === 'alive'))
    ), 15_000, 'every peer knows every worker')
    // and each peer can reach each service
    for (const node of mesh.nodes.slice(7)) {
      expect(await node.request('svc-3', null)).toBe(3)
    }
  })

  it('a peer that joins late learns the workers at once, from the table of the peer it joins', async () => {
    mesh = await createMeshOf(5, { presenceIntervalMs: 60_000 })
    mesh.nodes[1].serve('late', async () => 'ok')
    mesh.nodes[2].serve('late', async () => 'ok')
    await eventually(() => mesh!.nodes[0].peers().filter(p => p.services.includes('late')).length === 2, 10_000, 'the relay knows both workers')
    const newcomer = await mesh.add()
    // createMeshNode resolves after the table sync: no waiting for a refresh
    expect(newcomer.peers().filter(p => p.services.includes('late')).map(p => p.peerId).sort())
      .toEqual([mesh.nodes[1].peerId, mesh.nodes[2].peerId].sort())
  })

  it('marks a peer that leaves dead, and others stop sending it work', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, requester] = mesh.nodes
    a.serve('work', async () => 'a')
    b.serve('work', async () => 'b')
    await requester.waitForWorkers('work', 2)
    const dead: string[] = []
    requester.addEventListener('peer:dead', (e) => { dead.push(e.detail.peerId) })
    await a.stop()
    await eventually(() => dead.includes(a.peerId), 10_000, 'requester marks the stopped peer dead')
    const answers = await Promise.all(Array.from({ length: 20 }, async () => requester.request('work')))
    expect(new Set(answers)).toEqual(new Set(['b']))
  })
})
