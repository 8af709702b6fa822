/**
 * Fixtures for many-peer tests in one process, over the memory transport.
 *
 * @example
 * ```ts
 * const mesh = await createMeshOf(5)
 * mesh.nodes[1].serve('echo', async x => x)
 * await mesh.nodes[0].waitForWorkers('echo')
 * await mesh.stop()
 * ```
 */
import { createMeshNode } from '../../node/index.ts'
import type { NodeMeshInit } from '../../node/index.ts'
import type { MeshNode } from '../../src/types.ts'

export interface TestMesh {
  /** nodes[0] is the bootstrap peer every other node joins through */
  nodes: MeshNode[]
  add(init?: NodeMeshInit): Promise<MeshNode>
  stop(): Promise<void>
}

/** Starts `count` peers on the memory transport, all joined through the first. */
export async function createMeshOf (count: number, init: NodeMeshInit = {}): Promise<TestMesh> {
  const first = await createMeshNode({ transport: 'memory', role: 'relay', ...init })
  const nodes: MeshNode[] = [first]
  const add = async (extra: NodeMeshInit = {}): Promise<MeshNode> => {
    const node = await createMeshNode({ transport: 'memory', bootstrap: first.addrs(), ...init, ...extra })
    nodes.push(node)
    return node
  }
  const rest = await Promise.all(Array.from({ length: count - 1 }, async () => createMeshNode({ transport: 'memory', bootstrap: first.addrs(), ...init })))
  nodes.push(...rest)
  return {
    nodes,
    add,
    stop: async () => { await Promise.all(nodes.map(async n => { await n.stop() })) }
  }
}

/** Resolves when `check` returns true, polling; rejects after `timeoutMs`. */
export async function eventually (check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
