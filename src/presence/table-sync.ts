/**
 * Table syncs on `/meshwork/presence/1.0.0`, push-pull in one exchange: the
 * asking peer sends its own signed announcement and a digest of its table;
 * the other sends, in bounded pages, every entry the asker lacks or holds
 * older, and names in its last page the entries it lacks itself, which the
 * asker sends back. A joining peer so learns the whole mesh its first
 * contact knows at once, and a periodic sync between peers that already
 * agree costs a digest and an empty page.
 *
 * Entries are checked like gossiped announcements; ones the table already
 * holds as fresh are skipped before their signatures are checked. A page
 * that is oversized, malformed, one too many, or carries a forged entry
 * ends the sync with a {@link ProtocolError} and a penalty for the sender.
 */
import { lpStream } from '@libp2p/utils'
import {
  MAX_PRESENCE_PAGE_BYTES, MAX_PRESENCE_PAGE_ENTRIES, MAX_PRESENCE_SYNC_PAGES, PRESENCE_PAGE_TARGET_BYTES,
  PRESENCE_PROTOCOL, PRESENCE_SYNC_TIMEOUT_MS
} from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { PresencePage } from '../wire/generated/presence.js'
import { openSigned, SignedAnnouncement } from './announcement.ts'
import { encodeDigest, encodeKeys, parseDigest, parseKeys, peerKey } from './digest.ts'
import type { OpenedAnnouncement } from './announcement.ts'
import type { PeerRecord, PeerTable } from './peer-table.ts'
import type { Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'

export interface TableSyncInit {
  libp2p: Libp2p
  table: PeerTable
  log: Logger
  /** This node's own announcement, signed */
  ownEntry(): Promise<Bytes>
  /** Applies a checked entry */
  apply(opened: OpenedAnnouncement, signed: Uint8Array): void
  /** A peer broke the protocol (a bad page or a forged entry) */
  onViolation(peer: string): void
  /** Entries per page (MAX_PRESENCE_PAGE_ENTRIES unless smaller) */
  pageEntries?: number
}

/** What a sync brought in. */
export interface SyncResult {
  /** Pages received */
  pages: number
  /** Entries received, and of those new or newer than the table's */
  received: number
  applied: number
  /** Entries the other peer asked for and was sent */
  sent: number
}

/** Running totals of this node's syncs, for benchmarks and diagnosis. */
export interface SyncCounters {
  /** Syncs this node asked for, and of those the ones that failed */
  asked: number
  failed: number
  /** Entries that syncs this node asked for brought in new */
  applied: number
  /** Syncs this node answered, and of those the ones that failed */
  served: number
  serveFailed: number
  /** Entries that peers syncing with this node handed in new */
  servedApplied: number
}

type PagedStream = ReturnType<typeof lpStream>
type Bytes = Uint8Array<ArrayBuffer>

/** The seq the asker's own key is given in its digest: nothing is newer, nothing is wanted back. */
const ASKER_SEQ = 2n ** 64n - 1n


export class TableSync {
  private readonly init: TableSyncInit
  private readonly pageEntries: number
  private readonly selfKey: bigint
  /** When this node last pulled a table */
  lastSyncAt = 0
  readonly counters: SyncCounters = { asked: 0, failed: 0, applied: 0, served: 0, serveFailed: 0, servedApplied: 0 }

  constructor (init: TableSyncInit) {
    this.init = init
    this.pageEntries = Math.min(init.pageEntries ?? MAX_PRESENCE_PAGE_ENTRIES, MAX_PRESENCE_PAGE_ENTRIES)
    this.selfKey = peerKey(init.libp2p.peerId.toMultihash().bytes)
  }

  /** Pulls what a peer has and this node lacks, and hands it what it lacks. */
  async sync (peerId: PeerId, signal?: AbortSignal): Promise<SyncResult> {
    this.lastSyncAt = Date.now()
    this.counters.asked++
    const result: SyncResult = { pages: 0, received: 0, applied: 0, sent: 0 }
    let stream: Stream
    try {
      stream = await this.init.libp2p.dialProtocol(peerId, PRESENCE_PROTOCOL, { signal, runOnLimitedConnection: true })
    } catch (err) {
      this.counters.failed++
      throw err
    }
    const peer = peerId.toString()
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_PRESENCE_PAGE_BYTES })
      await writePage(lp, { entries: [await this.init.ownEntry()], digest: this.digest() }, signal)
      let want = new Set<bigint>()
      for (let more = true; more;) {
        if (result.pages === MAX_PRESENCE_SYNC_PAGES) {
          throw new ProtocolError('presence sync exceeds its page limit', { peerId: peer })
        }
        const page = await readPage(lp, peer, signal)
        result.pages++
        result.received += page.entries.length
        result.applied += await this.applyAll(page.entries, peer)
        more = page.more
        want = parseKeys(page.want, MAX_PRESENCE_PAGE_ENTRIES)
      }
      if (want.size > 0) {
        const entries = this.entriesFor(want)
        await writePage(lp, { entries }, signal)
        result.sent = entries.length
      }
      await stream.close({ signal })
      this.counters.applied += result.applied
      return result
    } catch (err: any) {
      this.counters.failed++
      this.counters.applied += result.applied
      stream.abort(err)
      throw this.fault(err, peer)
    }
  }

  /** Answers a peer's sync: its entry and digest in, what it lacks out in pages, what we lack back. */
  async serve (stream: Stream, remotePeer: PeerId): Promise<void> {
    const peer = remotePeer.toString()
    const signal = AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS)
    this.counters.served++
    try {
      const lp = lpStream(stream, { maxDataLength: MAX_PRESENCE_PAGE_BYTES })
      const first = await readPage(lp, peer, signal, 1)
      const theirs = parseDigest(first.digest)
      this.counters.servedApplied += await this.applyAll(first.entries, peer)
      // the asker's own entry came in its first page: it is not handed back
      theirs.set(peerKey(remotePeer.toMultihash().bytes), ASKER_SEQ)
      const { pages, want } = this.answer(theirs, await this.init.ownEntry())
      for (let i = 0; i < pages.length; i++) {
        const last = i === pages.length - 1
        await writePage(lp, { entries: pages[i], more: !last, want: last ? encodeKeys(want) : undefined }, signal)
      }
      if (want.length > 0) {
        const back = await readPage(lp, peer, signal, want.length)
        this.counters.servedApplied += await this.applyAll(back.entries, peer)
      }
      await stream.close({ signal })
    } catch (err: any) {
      this.counters.serveFailed++
      const fault = this.fault(err, peer)
      this.init.log('serving a presence sync to %p failed: %s', remotePeer, fault.message)
      stream.abort(fault)
    }
  }

  /** This table as a digest: every entry held, dead ones too (their seq keeps stale copies out). */
  private digest (): Uint8Array<ArrayBuffer> {
    const records: Array<readonly [bigint, bigint]> = []
    for (const record of this.init.table.all()) {
      if (record.key != null && record.signed != null) {
        records.push([record.key, record.seq])
      }
    }
    return encodeDigest(records)
  }

  /**
   * The pages for a peer with digest `theirs` (our own entry first, then
   * the entries it lacks or holds older), and the keys of the
   * entries it holds newer than ours or that we lack.
   */
  private answer (theirs: Map<bigint, bigint>, own: Bytes): { pages: Bytes[][], want: bigint[] } {
    const pages: Bytes[][] = [[own]]
    let bytes = own.byteLength
    const push = (entry: Bytes): void => {
      if (pages[pages.length - 1].length >= this.pageEntries || bytes >= PRESENCE_PAGE_TARGET_BYTES) {
        if (pages.length === MAX_PRESENCE_SYNC_PAGES) {
          // the asker takes no more pages than this: the rest waits for its next sync
          return
        }
        pages.push([])
        bytes = 0
      }
      pages[pages.length - 1].push(entry)
      bytes += entry.byteLength
    }
    const ours = new Map<bigint, PeerRecord>()
    for (const record of this.init.table.all()) {
      if (record.key == null || record.signed == null) {
        continue
      }
      ours.set(record.key, record)
      const seq = theirs.get(record.key)
      if (record.state !== 'dead' && (seq == null || seq < record.seq)) {
        push(record.signed as Bytes)
      }
    }
    const want: bigint[] = []
    for (const [key, seq] of theirs) {
      if (want.length >= this.pageEntries) {
        break
      }
      const record = ours.get(key)
      if (key !== this.selfKey && seq !== ASKER_SEQ && (record == null || record.seq < seq)) {
        want.push(key)
      }
    }
    return { pages, want }
  }

  /** Our live entries among `keys`, one page's worth at most. */
  private entriesFor (keys: Set<bigint>): Bytes[] {
    const out: Bytes[] = []
    let bytes = 0
    for (const record of this.init.table.all()) {
      if (out.length >= this.pageEntries || bytes >= PRESENCE_PAGE_TARGET_BYTES) {
        break
      }
      if (record.key != null && record.signed != null && record.state !== 'dead' && keys.has(record.key)) {
        out.push(record.signed as Bytes)
        bytes += record.signed.byteLength
      }
    }
    return out
  }

  /**
   * Applies the entries of a page, returning how many were new. A forged or
   * malformed entry fails the page: an honest peer hands on only entries it
   * checked itself.
   */
  private async applyAll (entries: Uint8Array[], from: string): Promise<number> {
    let applied = 0
    for (const bytes of entries) {
      let entry: SignedAnnouncement
      try {
        entry = SignedAnnouncement.decode(bytes)
      } catch (err) {
        throw new ProtocolError('malformed presence entry', { peerId: from, cause: err })
      }
      // most of a page is often what this peer already has: skip those before checking signatures
      const { peerId, announcement } = await openSigned(entry, { signedBySender: true })
      const known = this.init.table.get(peerId.toString())
      if (known != null && known.seq >= announcement.seq) {
        continue
      }
      this.init.apply(await openSigned(entry), bytes)
      applied++
    }
    return applied
  }

  /** A failed sync's error; a protocol violation costs the peer a penalty. */
  private fault (err: any, peer: string): Error {
    if (err instanceof ProtocolError) {
      this.init.onViolation(peer)
    }
    return err
  }
}

/**
 * Reads one page, with at most `maxEntries` entries. A page too large or
 * that does not decode is the peer's fault (a ProtocolError); a stream that
 * ends or times out is not.
 */
async function readPage (lp: PagedStream, peer: string, signal: AbortSignal | undefined, maxEntries = MAX_PRESENCE_PAGE_ENTRIES): Promise<PresencePage> {
  let bytes
  try {
    bytes = await lp.read({ signal })
  } catch (err: any) {
    if (err?.name === 'InvalidDataLengthError') {
      throw new ProtocolError('presence page too large', { peerId: peer, cause: err })
    }
    throw err
  }
  try {
    return PresencePage.decode(bytes, { limits: { entries: maxEntries } })
  } catch (err: any) {
    throw new ProtocolError(`malformed presence page: ${err.message}`, { peerId: peer, cause: err })
  }
}

async function writePage (lp: PagedStream, page: Partial<PresencePage>, signal?: AbortSignal): Promise<void> {
  await lp.write(PresencePage.encode(page), { signal })
}
