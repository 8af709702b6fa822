/**
 * meshwork's isomorphic core: types, errors and balancers shared by the
 * Node (`meshwork/node`) and browser (`meshwork/browser`) entries.
 */
export * from './errors.ts'
export type * from './types.ts'
export type { MapJob, MapOptions, MapProgress, MapResult } from './compute/map-types.ts'
export { createMesh } from './mesh-node.ts'
export { LLM_CHAT_SERVICE, continueRequest, parseChatRequest } from './models/chat.ts'
export type { ChatMessage, ChatRequest, ChatRole } from './models/chat.ts'
export { DEMO_CHAT_MODEL, demoChat, demoChatAnswer, demoChatTokens, demoToolCall } from './models/demo-chat.ts'
export { LLM_EMBED_SERVICE, parseEmbedRequest } from './models/embed.ts'
export type { EmbedReply, EmbedRequest } from './models/embed.ts'
export { DEMO_EMBED_MODEL, demoEmbed, demoEmbedding } from './models/demo-embed.ts'
export { isToolCallsChunk, toolsModel } from './models/tools.ts'
export type { ChatChunk, ResponseFormat, Tool, ToolCall, ToolCallsChunk, ToolChoice } from './models/tools.ts'
export { BALANCER_NAMES, createBalancer, leastLoaded, p2cEwma, random, roundRobin } from './dispatch/balancers.ts'
export {
  TASK_PROTOCOL, PRESENCE_PROTOCOL, PRESENCE_TOPIC, SERVICE_TOPIC_PREFIX, APP_TOPIC_PREFIX
} from './constants.ts'
export { datastoreJournal, memoryJournal } from './journal/journal.ts'
export type { Journal, JournalRecord } from './journal/journal.ts'
export { issueCapability, verifyCapability } from './security/capability.ts'
export type { CapabilityGrant } from './security/capability.ts'
export type { AccessPolicy } from './security/access.ts'
export type { PeerLimitsInit } from './security/limits.ts'
export type { TaskOutcome, TelemetrySink, TelemetrySources } from './telemetry/sink.ts'
export type {
  CallOptions as GroupCallOptions, CasResult, ConsensusGroup, ConsensusGroupInit, DeleteResult, GetOptions, GroupStatus,
  JsonValue, KeyValue, Lock, LockOptions, PutResult, WatchChange, WatchOptions
} from './consensus/types.ts'
export type { RaftStorage, PersistedState, StorageUpdate } from './consensus/log-types.ts'
export type { RaftStorageFactory } from './consensus/storage/factory.ts'
export { memoryStorage } from './consensus/storage/memory.ts'
export { RAFT_PROTOCOL, groupService } from './consensus/constants.ts'
