/**
 * The Raft core: a deterministic consensus state machine for a runner to
 * drive (see `createRaftCore`).
 */
export { createRaftCore } from './node.ts'
export type { RaftCore, RaftCoreInit, RaftStatus } from './node.ts'
export type * from './messages.ts'
export { seededRng } from './rng.ts'
export type { Rng } from './rng.ts'
export { encodeConfChange, decodeConfChange } from './membership.ts'
export { NotLeaderError, ProposalDroppedError, RaftUsageError } from './errors.ts'
export type { ProposalDroppedReason } from './errors.ts'
