/**
 * `--group NAME --members ID,ID,... --data-dir DIR`: the options that make a
 * worker a member of a consensus group, checked before the node starts.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { UsageError } from './args.ts'
import { identityIn } from './group.ts'
import type { ConsensusGroup } from '../../src/consensus/types.ts'
import type { MeshNode } from '../../src/types.ts'

export const GROUP_OPTIONS = {
  group: { type: 'string' },
  members: { type: 'string', multiple: true },
  'data-dir': { type: 'string' }
} as const

export const GROUP_USAGE = `  --group NAME          also be a member of this consensus group (see meshwork kv)
  --members ID,ID,...   the group's voting members (peer ids, this one among them; repeatable)
  --data-dir DIR        where the member keeps its log and snapshots (memory if absent);
                        its identity is DIR/peer.key unless --key is given`

export interface Membership {
  group: string
  members: string[]
  dataDir?: string
  /** The identity file implied by --data-dir */
  identityFile?: string
}

/** The group options as given, or undefined without --group; a UsageError when they do not fit together. */
export function groupMembership (values: { group?: string, members?: string[], 'data-dir'?: string }): Membership | undefined {
  if (values.group == null) {
    if (values.members != null || values['data-dir'] != null) {
      throw new UsageError('--members and --data-dir need --group')
    }
    return undefined
  }
  if (values.group.trim() === '') {
    throw new UsageError('--group takes a non-empty name')
  }
  const members = (values.members ?? []).flatMap(m => m.split(',')).map(m => m.trim()).filter(Boolean)
  if (members.length === 0) {
    throw new UsageError('--group needs --members ID,ID,... (see meshwork key for a peer id)')
  }
  for (const id of members) {
    try {
      peerIdFromString(id)
    } catch {
      throw new UsageError(`--members: "${id}" is not a peer id`)
    }
  }
  if (new Set(members).size !== members.length) {
    throw new UsageError('--members lists a peer twice')
  }
  const dataDir = values['data-dir']
  return { group: values.group, members, dataDir, identityFile: dataDir != null ? identityIn(dataDir) : undefined }
}

/** Opens the group as a member; this peer must be one of `--members`. */
export async function joinGroup (node: MeshNode, membership: Membership): Promise<ConsensusGroup> {
  if (!membership.members.includes(node.peerId)) {
    await node.stop()
    throw new UsageError(`this peer (${node.peerId}) is not in --members; start it with the --key or --data-dir whose id is listed`)
  }
  return node.consensus(membership.group, { members: membership.members, dataDir: membership.dataDir })
}
