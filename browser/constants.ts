/** Defaults of the browser entry. */

/** Connections a tab holds at most: relays, Node peers and other tabs. */
export const DEFAULT_BROWSER_MAX_CONNECTIONS = 64
/** How long a tab waits for the relay reservation that makes it dialable. */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 10_000

// ---- direct links (direct-links.ts) ----

/** How often peers reached only through a relay are looked for. */
export const DEFAULT_DIRECT_CHECK_INTERVAL_MS = 1_000
/** WebRTC dials to one relayed-only peer before giving up on it. */
export const DEFAULT_DIRECT_MAX_ATTEMPTS = 5
/** Timeout of one WebRTC dial. */
export const DEFAULT_DIRECT_DIAL_TIMEOUT_MS = 10_000
/** A new WebRTC link that cannot negotiate a protocol in this time is closed. */
export const DEFAULT_PROBE_TIMEOUT_MS = 4_000

/** IndexedDB database of `indexedDbJournal()` when no name is given. */
export const DEFAULT_JOURNAL_DB = 'meshwork-journal'
