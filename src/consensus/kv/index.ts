/**
 * The key-value state machine of a consensus group and its command codec.
 */
export { kvStateMachine } from './state-machine.ts'
export type { KvStateMachine, LockChange, ChangesOptions } from './state-machine.ts'
export { decodeCommand, encodeCommand, encodeValue, isKvError } from './command.ts'
export type { Command, KvError, KvErrorCode, Op, Stamp } from './command.ts'
export type { KvResult, KvStateInit, LockResult, ReleaseResult, RevisionResult, SessionResult } from './state.ts'
export * from './constants.ts'
