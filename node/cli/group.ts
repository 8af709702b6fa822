/**
 * How the command line opens a consensus group on a node (as a member or
 * as a client), and where a member keeps its identity in its data dir.
 */
import { join } from 'node:path'
import { NotStartedError } from '../../src/errors.ts'
import type { ConsensusGroup, ConsensusGroupInit } from '../../src/consensus/types.ts'
import type { MeshNode } from '../../src/types.ts'

/** A member's identity file inside `--data-dir`, so it keeps its peer id across restarts. */
export const IDENTITY_FILE = 'peer.key'

/** Path of the identity kept in a data dir. */
export function identityIn (dataDir: string): string {
  return join(dataDir, IDENTITY_FILE)
}

type Opener = (name: string, init?: ConsensusGroupInit) => Promise<ConsensusGroup>

/** `node.consensus(name, init)`: a member when `init.members` lists this peer, else a client. */
export async function openGroup (node: MeshNode, name: string, init?: ConsensusGroupInit): Promise<ConsensusGroup> {
  const open = (node as unknown as { consensus?: Opener }).consensus
  if (typeof open !== 'function') {
    throw new NotStartedError('this build of meshwork has no consensus groups')
  }
  return open.call(node, name, init)
}
