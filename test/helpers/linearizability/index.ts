/** The linearizability checker and its key-value model, for tests of consensus groups. */
export { check, DEFAULT_MAX_STEPS } from './checker.ts'
export type { CheckOptions, CheckResult, Model, Operation } from './checker.ts'
export { canonical, checkKv, kvModel, revisionOrderViolation } from './kv-model.ts'
export type { KeyState, KvCheckResult, KvInput, KvOperation, KvOutput } from './kv-model.ts'
export { recorder } from './recorder.ts'
export type { Call, Recorder } from './recorder.ts'
