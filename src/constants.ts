/** Protocol ids and topics, versioned (README "How it works"). */
export const TASK_PROTOCOL = '/meshwork/task/1.0.0'
export const PRESENCE_PROTOCOL = '/meshwork/presence/1.0.0'
export const PRESENCE_TOPIC = 'meshwork/1/presence'
export const SERVICE_TOPIC_PREFIX = 'meshwork/1/svc/'
export const APP_TOPIC_PREFIX = 'meshwork/1/app/'

/** Domain separation for signed announcements. */
export const ANNOUNCEMENT_SIGNING_DOMAIN = 'meshwork/1/announcement'

// ---- presence and liveness ----

/** Slow refresh of a peer's own announcement. */
export const DEFAULT_PRESENCE_INTERVAL_MS = 5_000
/**
 * The refresh stretches by this much per known peer, so that past ten peers
 * the whole mesh publishes about two announcements a second however large it
 * grows, and what each peer receives stays flat. Deaths still spread at once
 * (piggybacked), and load is learned from replies.
 */
export const PRESENCE_STRETCH_PER_PEER_MS = 500
/** An announcement expires after this many of its refresh intervals. */
export const PRESENCE_EXPIRY_INTERVALS = 3
/** Keepalive on a task channel while tasks are in flight. */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 500
/** No keepalive answer for this long: the peer is suspect and its tasks move. */
export const DEFAULT_SUSPECT_TIMEOUT_MS = 1_500
/** Suspect for this long without coming back: the peer is dead. */
export const DEFAULT_DEAD_TIMEOUT_MS = 10_000
/** A worker cancels a requester's tasks after this long without its keepalives. */
export const DEFAULT_REQUESTER_TIMEOUT_MS = 10_000
/** How many recently dead peers an announcement carries. */
export const MAX_GONE_PIGGYBACK = 16
/** Weight of a new sample in round-trip and latency averages. */
export const EWMA_ALPHA = 0.2
/** Direct connections a peer keeps to others it learns of, beyond the relay. */
export const DEFAULT_MIN_CONNECTIONS = 6
/** Peers in the table at most; the stalest non-connected entries go first. */
export const MAX_PEER_TABLE_SIZE = 10_000
/** How often presence looks for expired announcements and old tombstones. */
export const PRESENCE_SWEEP_INTERVAL_MS = 1_000
/** A presence table sync (either side) gives up after this long. */
export const PRESENCE_SYNC_TIMEOUT_MS = 10_000
/** Entries one page of a presence table sync carries at most. */
export const MAX_PRESENCE_PAGE_ENTRIES = 256
/** A page is closed once its entries pass this many bytes. */
export const PRESENCE_PAGE_TARGET_BYTES = 64 * 1024
/**
 * Largest page accepted: a full page of the largest entries, or the
 * asker's first page with a digest of a full table.
 */
export const MAX_PRESENCE_PAGE_BYTES = 512 * 1024
/** Pages one sync answers with at most: a full table's worth. */
export const MAX_PRESENCE_SYNC_PAGES = Math.ceil(MAX_PEER_TABLE_SIZE / MAX_PRESENCE_PAGE_ENTRIES)
/** Addresses an announcement or a claim carries at most. */
export const MAX_ANNOUNCED_ADDRS = 16

// ---- calls ----

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_STREAM_TIMEOUT_MS = 300_000
export const DEFAULT_MAX_ATTEMPTS = 3
export const DEFAULT_STALL_TIMEOUT_MS = 5_000
/** How long a broadcast claim waits for offers before announcing again. */
export const DEFAULT_CLAIM_ROUND_MS = 1_000
/** Times a broadcast claim is announced before the call fails with NoWorkersError. */
export const DEFAULT_CLAIM_ROUNDS = 3
/** Largest stream window a caller may ask for, in chunks. */
export const MAX_STREAM_WINDOW = 65_536
/** How often `waitForWorkers` looks at the peer table. */
export const WAIT_FOR_WORKERS_POLL_MS = 25
/** Longest service name, in characters. */
export const MAX_SERVICE_NAME_LENGTH = 256
/** Chunks a worker may send before the caller grants more. */
export const DEFAULT_STREAM_WINDOW = 1024
/**
 * Bytes of chunks a stream's reader may leave unread. An honest worker stays
 * within the window; a window of large chunks can pass this, and the call
 * then fails (lower `window` for large chunks) rather than hold more.
 */
export const MAX_UNREAD_STREAM_BYTES = 64 * 1024 * 1024
/** Chunk bytes a caller keeps to resume a stream on another worker. */
export const DEFAULT_RESUME_BUFFER_BYTES = 8 * 1024 * 1024
/** Calls one node may have in flight at once. */
export const DEFAULT_MAX_CALLS = 10_000

// ---- workers ----

export const DEFAULT_CONCURRENCY = 16
/** Tasks a service queues beyond its concurrency before refusing. */
export const DEFAULT_QUEUE_PER_SLOT = 64
/** How long an offer reserves a slot while the requester decides. */
export const OFFER_RESERVATION_MS = 1_000
/** Reservations one requester may hold in one service's slot at a time (its claims past that get no offer). */
export const MAX_RESERVATIONS_PER_REQUESTER = 8
/** A worker gives up opening a channel to offer on after this long. */
export const OFFER_DIAL_TIMEOUT_MS = 5_000

// ---- wire ----

/** Largest frame either side accepts on a task channel. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024
/** Largest announcement accepted. */
export const MAX_ANNOUNCEMENT_BYTES = 16 * 1024
/** Encoded frames queued on a channel beyond this reset it (the peer is not reading). */
export const MAX_CHANNEL_BUFFER_BYTES = 16 * 1024 * 1024
/** Inbound task streams per connection. */
export const MAX_TASK_STREAMS_PER_CONNECTION = 4
/** Tasks of a `map` job in flight at once, unless the job says otherwise. */
export const DEFAULT_MAP_CONCURRENCY = 16
/** Inputs one `map` job takes at most (its results are held until the job ends). */
export const MAX_MAP_INPUTS = 1_000_000
/** Share of a job's tasks done before stragglers get backups. */
export const SPECULATION_DONE_FRACTION = 0.75
/** A task running this many times the median task time gets a backup. */
export const SPECULATION_SLOW_FACTOR = 1.5
/**
 * ...and at least this much longer than the median: with tasks of a few ms,
 * 1.5x the median is within the transport's noise, and backups there only
 * add load (a job of 2,000 tasks of no work at 64 in flight backed up 4% of them).
 */
export const SPECULATION_MIN_EXTRA_MS = 50
/** How often a job in its last quarter looks for stragglers. */
export const SPECULATION_CHECK_MS = 25

// ---- libp2p services (node and browser) ----

/**
 * libp2p pings every connection every 10 s and aborts it when a ping takes
 * longer than its adaptive timeout (at least 5 s by default). A process busy
 * for a few seconds (a burst of joins, a tab throttled in the background)
 * then loses healthy connections, whose peers redial and are re-checked,
 * which keeps it busy. A ping must take
 * this long before the connection is given up; peers with tasks in flight
 * are watched by meshwork's own keepalives, at sub-second intervals.
 */
export const DEFAULT_PING_TIMEOUT_MIN_MS = 30_000
/**
 * Identify runs once per connection, and gossipsub and presence start on a
 * connection only once it has told them the other side's protocols: an
 * identify that gives up (after 5 s by default) while a process is busy
 * leaves the connection without gossip for good. It is given this long.
 */
export const DEFAULT_IDENTIFY_TIMEOUT_MS = 30_000
