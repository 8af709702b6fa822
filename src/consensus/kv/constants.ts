/** Bounds and defaults of the key-value state machine. */

/** Version of the command and snapshot encodings this code writes and reads. */
export const KV_ENCODING_VERSION = 1

/** Longest key or lock name, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024
/** Largest value, as JSON text. */
export const MAX_VALUE_BYTES = 1024 * 1024
/** Largest encoded command accepted (a value plus its envelope). */
export const MAX_COMMAND_BYTES = MAX_VALUE_BYTES + 4 * 1024

/** Keys the store holds at most. */
export const DEFAULT_MAX_KEYS = 1_000_000
/** Bytes of keys and values the store holds at most. */
export const DEFAULT_MAX_STORE_BYTES = 256 * 1024 * 1024

/** Changes the watch history keeps at most. */
export const DEFAULT_HISTORY_CHANGES = 10_000
/** Bytes of keys and values the watch history keeps at most. */
export const DEFAULT_HISTORY_BYTES = 32 * 1024 * 1024
/** What one change costs in the history beyond its key and value. */
export const HISTORY_CHANGE_OVERHEAD_BYTES = 48

/** Clients whose proposal results are kept for dedup; the least recently seen go first. */
export const DEFAULT_DEDUP_CLIENTS = 10_000
/**
 * Results kept per client. A client keeps fewer proposals than this in
 * flight, or an old one may be refused as `duplicate-expired`.
 */
export const DEFAULT_DEDUP_RESULTS_PER_CLIENT = 64

/** Sessions open at once, at most. */
export const DEFAULT_MAX_SESSIONS = 10_000
/** Locks held at once, at most. */
export const DEFAULT_MAX_LOCKS = 10_000
/** Shortest and longest session or lock ttl accepted. */
export const MIN_TTL_MS = 100
export const MAX_TTL_MS = 24 * 60 * 60 * 1000
