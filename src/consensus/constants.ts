/** Defaults of a consensus group as it runs on the mesh. */

/** Protocol of Raft messages between the members of a group. */
export const RAFT_PROTOCOL = '/meshwork/raft/1.0.0'

/** The mesh service through which clients reach the members of group `name`. */
export const groupService = (name: string): string => `consensus/${name}`

/** One Raft tick: the unit of the election and heartbeat timeouts. */
export const DEFAULT_TICK_MS = 50
/** Ticks without a leader before a follower campaigns (randomised in [n, 2n)): 0.5–1 s. */
export const DEFAULT_ELECTION_TICKS = 10
/** Ticks between a leader's heartbeats. */
export const DEFAULT_HEARTBEAT_TICKS = 1

/** Applied entries kept in the log beyond the last snapshot before a member snapshots and compacts. */
export const DEFAULT_SNAPSHOT_ENTRIES = 10_000

/** Largest Raft frame a member accepts (a snapshot travels in one). */
export const MAX_RAFT_FRAME_BYTES = 64 * 1024 * 1024
/** Largest snapshot a member accepts, leaving room for the frame around it. */
export const MAX_RAFT_SNAPSHOT_BYTES = MAX_RAFT_FRAME_BYTES - 64 * 1024
/** Bytes queued for one peer beyond which Raft messages are dropped (Raft sends again). */
export const MAX_RAFT_QUEUED_BYTES = 8 * 1024 * 1024
/** After a failed dial, how long a link waits before dialing the peer again. */
export const RAFT_REDIAL_MS = 250
/** Raft streams per connection, each way. */
export const MAX_RAFT_STREAMS_PER_CONNECTION = 4

/** Deadline of a group call when the caller gives none. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000
/** How long a client trusts its list of the group's members before it looks at the peer table again. */
export const MEMBER_LIST_TTL_MS = 250
/** Pause before asking again while no leader is known. */
export const NO_LEADER_RETRY_MS = 50
/**
 * Writes in flight at most under one client id of a group handle: fewer
 * than the results the group keeps per client for dedup, so it never
 * forgets one still in flight.
 */
export const MAX_WRITES_IN_FLIGHT_PER_CLIENT_ID = 32
/** Client ids one group handle writes under at most, each with its own seq; past them all, writes wait their turn. */
export const MAX_CLIENT_IDS_PER_HANDLE = 16
/** Calls of one group handle waiting for a slot at most; more reject with RateLimitedError. */
export const MAX_WRITES_QUEUED = 4096
/** How long a proposer waits, after its member lost the lead, to learn whether its entry committed. */
export const LEADERSHIP_LOSS_GRACE_MS = 3_000

/** Ttl of a lock session when the first lock gives none. */
export const DEFAULT_LOCK_TTL_MS = 10_000
/** A session's keepalives go out this many times per ttl. */
export const KEEPALIVES_PER_TTL = 3
/** How long a member holds a lock waiter before telling it to look again. */
export const LOCK_WAIT_MS = 1_000
/**
 * How long a client gives one ask of a lock wait (the member answers within
 * LOCK_WAIT_MS) before it asks again, elsewhere if that member is gone.
 */
export const LOCK_WAIT_CALL_MS = 3 * LOCK_WAIT_MS

/** A watch stream with nothing to deliver reports the revision this often, so a silent member is noticed. */
export const WATCH_PROGRESS_MS = 1_000
/** A watch whose member sends nothing for this long moves to another member. */
export const WATCH_STALL_MS = 5_000
/** Changes one watch chunk carries at most. */
export const WATCH_BATCH_CHANGES = 256
/** Watches a member serves at once. */
export const MAX_WATCHES_PER_MEMBER = 1024
/** Client requests a member runs at once (watches and lock waits included). */
export const MEMBER_SERVICE_CONCURRENCY = 2048
