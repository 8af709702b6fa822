/** Fixtures for consensus group tests: a mesh whose first peers are the members of one group. */
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { ConsensusGroup, ConsensusGroupInit } from '../../src/consensus/types.ts'
import type { MeshNode } from '../../src/types.ts'

export interface TestGroup {
  mesh: TestMesh
  members: MeshNode[]
  /** Peers that are no members (the mesh's bootstrap peer is never one of them) */
  clients: MeshNode[]
  groups: ConsensusGroup[]
  ids: string[]
  /** The member that leads, once one does */
  leader(): Promise<{ node: MeshNode, group: ConsensusGroup, index: number }>
  stop(): Promise<void>
}

/** Starts a bootstrap peer, `size` members of group `name` and `clients` more peers. */
export async function createGroup (name: string, size = 3, clients = 1, init: ConsensusGroupInit = {}): Promise<TestGroup> {
  const mesh = await createMeshOf(1 + size + clients)
  const members = mesh.nodes.slice(1, 1 + size)
  const ids = members.map(n => n.peerId)
  const groups = await Promise.all(members.map(async n => n.consensus(name, { members: ids, ...init })))
  const leader = async (): Promise<{ node: MeshNode, group: ConsensusGroup, index: number }> => {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const statuses = await Promise.all(groups.map(async (g, i) => members[i].libp2p.status === 'started' ? g.status() : undefined))
      const found = statuses.findIndex((s, i) => s?.leader === ids[i])
      if (found >= 0) return { node: members[found], group: groups[found], index: found }
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    throw new Error('no leader within 10 s')
  }
  return { mesh, members, clients: mesh.nodes.slice(1 + size), groups, ids, leader, stop: async () => { await mesh.stop() } }
}

/** Polls `probe` until it gives something other than undefined; rejects after `timeoutMs`. */
export async function until<T> (probe: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
