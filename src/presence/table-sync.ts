/**
 * Table syncs on `/meshwork/presence/1.0.0`: a joining peer sends its own
 * signed announcement and gets the other's whole table back, so it knows
 * the workers at once rather than one refresh later. Entries are checked
 * like gossiped announcements; ones the table already holds as fresh are
 * skipped before their signatures are checked.
 */
import { pbStream } from '@libp2p/utils'
import { MAX_PRESENCE_TABLE_BYTES, PRESENCE_PROTOCOL, PRESENCE_SYNC_TIMEOUT_MS } from '../constants.ts'
import { PresenceTable } from '../wire/generated/presence.js'
import { openSigned, SignedAnnouncement } from './announcement.ts'
import type { OpenedAnnouncement } from './announcement.ts'
import type { PeerTable } from './peer-table.ts'
import type { Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'

/** Table entries handed out in one sync at most. */
const MAX_SYNC_ENTRIES = 2_000

export interface TableSyncInit {
  libp2p: Libp2p
  table: PeerTable
  log: Logger
  /** This node's own announcement, freshly signed */
  ownEntry(): Promise<SignedAnnouncement>
  /** Applies a checked entry */
  apply(opened: OpenedAnnouncement, signed: Uint8Array): void
}

export class TableSync {
  private readonly init: TableSyncInit
  /** When this node last pulled a table */
  lastSyncAt = 0

  constructor (init: TableSyncInit) {
    this.init = init
  }

  /** Pulls the whole table of a peer, sending ours along. */
  async sync (peerId: PeerId, signal?: AbortSignal): Promise<void> {
    this.lastSyncAt = Date.now()
    const stream = await this.init.libp2p.dialProtocol(peerId, PRESENCE_PROTOCOL, { signal, runOnLimitedConnection: true })
    try {
      const pb = pbStream(stream, { maxDataLength: MAX_PRESENCE_TABLE_BYTES })
      await pb.write({ entries: [await this.init.ownEntry()] }, PresenceTable, { signal })
      const table = await pb.read(PresenceTable, { signal, limits: { entries: MAX_SYNC_ENTRIES } })
      await stream.close({ signal })
      await this.applyAll(table.entries)
    } catch (err: any) {
      stream.abort(err)
      throw err
    }
  }

  /** Answers a peer's sync: its entry in, our table out. */
  async serve (stream: Stream): Promise<void> {
    try {
      const pb = pbStream(stream, { maxDataLength: MAX_PRESENCE_TABLE_BYTES })
      const theirs = await pb.read(PresenceTable, { signal: AbortSignal.timeout(PRESENCE_SYNC_TIMEOUT_MS), limits: { entries: 1 } })
      await this.applyAll(theirs.entries)
      const entries = [await this.init.ownEntry()]
      for (const record of this.init.table.all()) {
        if (record.state !== 'dead' && record.signed != null && entries.length < MAX_SYNC_ENTRIES) {
          entries.push(SignedAnnouncement.decode(record.signed))
        }
      }
      await pb.write({ entries }, PresenceTable)
      await stream.close()
    } catch (err: any) {
      this.init.log('serving a presence sync failed: %s', err.message)
      stream.abort(err)
    }
  }

  private async applyAll (entries: SignedAnnouncement[]): Promise<void> {
    for (const entry of entries) {
      try {
        // most of a table is what this peer already has: skip those before checking signatures
        const { peerId, announcement } = await openSigned(entry, { signedBySender: true })
        const known = this.init.table.get(peerId.toString())
        if (known != null && known.seq >= announcement.seq) {
          continue
        }
        this.init.apply(await openSigned(entry), SignedAnnouncement.encode(entry))
      } catch (err: any) {
        this.init.log('dropping a bad table entry: %s', err.message)
      }
    }
  }
}
