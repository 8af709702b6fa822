/**
 * Errors a Raft core raises when the caller asks for something it cannot do
 * now. Each is thrown before any state changes. Malformed messages raise the
 * project's `ProtocolError` instead.
 */
import { MeshError } from '../../errors.ts'
import type { MeshErrorOptions } from '../../errors.ts'

/** The member is not the leader; `leader` names the one it knows, if any. */
export class NotLeaderError extends MeshError {
  static readonly code = 'NotLeaderError'
  readonly leader?: string

  constructor (leader?: string, options?: MeshErrorOptions) {
    super(leader === undefined ? 'no leader is known' : `the leader is ${leader}`, options)
    this.name = 'NotLeaderError'
    this.leader = leader
  }
}

/** Why a proposal was refused by a leader. */
export type ProposalDroppedReason = 'transferring' | 'uncommitted-limit' | 'conf-pending' | 'not-ready' | 'reads-limit'

/** The leader refused a proposal; nothing was appended. */
export class ProposalDroppedError extends MeshError {
  static readonly code = 'ProposalDroppedError'
  readonly reason: ProposalDroppedReason

  constructor (reason: ProposalDroppedReason, message: string, options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'ProposalDroppedError'
    this.reason = reason
  }
}

/** The core was driven out of order (for instance `ready()` before the last one's `advance()`). */
export class RaftUsageError extends MeshError {
  static readonly code = 'RaftUsageError'

  constructor (message: string, options?: MeshErrorOptions) {
    super(message, options)
    this.name = 'RaftUsageError'
  }
}
