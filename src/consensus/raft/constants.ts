/** Defaults of a Raft core. Ticks are the runner's unit of time. */

/** Ticks a follower waits without hearing a leader before it campaigns (the timeout is randomised in [n, 2n)) */
export const DEFAULT_ELECTION_TICKS = 10

/** Ticks between a leader's heartbeats */
export const DEFAULT_HEARTBEAT_TICKS = 1

/** Most entries one append message carries */
export const DEFAULT_MAX_ENTRIES_PER_MESSAGE = 64

/** Most entry bytes one append message carries (at least one entry always goes) */
export const DEFAULT_MAX_BYTES_PER_MESSAGE = 1024 * 1024

/** Most append messages in flight to one follower in the replicate state */
export const DEFAULT_MAX_INFLIGHT_MESSAGES = 64

/** Most entries a leader holds uncommitted before it refuses proposals */
export const DEFAULT_MAX_UNCOMMITTED_ENTRIES = 4096

/** Most read-index requests waiting for confirmation */
export const DEFAULT_MAX_PENDING_READS = 4096

/** Largest command one entry carries */
export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024

/** Decode limits: what a received message may hold at most, whatever the sender's settings */
export const MAX_ENTRIES_ACCEPTED = 10_000
export const MAX_MEMBERS = 64
export const MAX_ID_LENGTH = 256
export const MAX_READ_CONTEXT_BYTES = 1024

/** Largest snapshot a received message may carry */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024

/** Most committed entries one `ready()` hands out to apply */
export const DEFAULT_MAX_APPLY_ENTRIES_PER_READY = 1024
