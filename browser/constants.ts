/** Defaults of the browser entry. */

/** Connections a tab holds at most: relays, Node peers and other tabs. */
export const DEFAULT_BROWSER_MAX_CONNECTIONS = 64
/** How long a tab waits for the relay reservation that makes it dialable. */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 10_000
/** Name of the IndexedDB database the journal uses when given `journal: 'indexeddb'`. */
export const DEFAULT_JOURNAL_DB = 'meshwork-journal'
