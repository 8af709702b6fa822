/**
 * Peers this node saw die itself, piggybacked on its announcements for
 * GONE_TTL_MS so the few witnesses of a death tell the rest of the mesh.
 * Bounded by MAX_GONE_PIGGYBACK, the oldest first out.
 */
import { MAX_GONE_PIGGYBACK } from '../constants.ts'

/** How long a dead peer stays in gone lists. */
const GONE_TTL_MS = 30_000

export class GoneList {
  private readonly gone = new Map<string, number>()

  /** Records `peerId` as seen dead at `now`. */
  add (peerId: string, now = Date.now()): void {
    this.gone.delete(peerId)
    this.gone.set(peerId, now)
    while (this.gone.size > MAX_GONE_PIGGYBACK) {
      this.gone.delete(this.gone.keys().next().value as string)
    }
  }

  /** Drops the entries older than GONE_TTL_MS. */
  expire (now: number): void {
    for (const [peer, at] of this.gone) {
      if (now - at > GONE_TTL_MS) {
        this.gone.delete(peer)
      }
    }
  }

  /** The peers listed, oldest first. */
  ids (): IterableIterator<string> {
    return this.gone.keys()
  }
}
