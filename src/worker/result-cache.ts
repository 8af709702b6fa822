/**
 * Finished results a worker keeps for a while by (requester, task id), so a
 * repeated attempt after a lost reply (a journaling requester that
 * restarted and sends its task again) gets the stored result instead of
 * running the handler twice. Only tasks marked journaled are kept: no other
 * requester sends a task to the same worker twice. Bounded in entries, bytes
 * and age; oldest go first.
 */
import { Fifo } from '../util/fifo.ts'

export interface CachedResult {
  /** RESULT payload, or an ERROR's name and message */
  payload?: Uint8Array
  codec?: number
  error?: { code: string, message: string }
  /** A finished stream: every chunk, from the first */
  chunks?: Array<{ data: Uint8Array, codec: number }>
}

export interface ResultCacheInit {
  maxEntries?: number
  maxBytes?: number
  ttlMs?: number
}

export const DEFAULT_RESULT_CACHE_ENTRIES = 10_000
export const DEFAULT_RESULT_CACHE_BYTES = 64 * 1024 * 1024
export const DEFAULT_RESULT_CACHE_TTL_MS = 5 * 60_000

interface Entry {
  key: string
  result: CachedResult
  bytes: number
  expires: number
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>()
  /**
   * Entries oldest first. Every entry lives `ttlMs`, so this is also expiry
   * order. (Evicting through the Map's own order would walk the holes its
   * deletions leave at the front: quadratic under a steady stream of results.)
   */
  private readonly order = new Fifo<Entry>()
  private readonly maxEntries: number
  private readonly maxBytes: number
  private readonly ttlMs: number
  private bytes = 0

  constructor (init: ResultCacheInit = {}) {
    this.maxEntries = init.maxEntries ?? DEFAULT_RESULT_CACHE_ENTRIES
    this.maxBytes = init.maxBytes ?? DEFAULT_RESULT_CACHE_BYTES
    this.ttlMs = init.ttlMs ?? DEFAULT_RESULT_CACHE_TTL_MS
  }

  get (key: string, now = Date.now()): CachedResult | undefined {
    const entry = this.entries.get(key)
    if (entry == null) {
      return undefined
    }
    if (entry.expires < now) {
      this.delete(key, entry)
      return undefined
    }
    return entry.result
  }

  set (key: string, result: CachedResult, now = Date.now()): void {
    const bytes = (result.payload?.byteLength ?? 0) + (result.error?.message.length ?? 0) + key.length +
      (result.chunks?.reduce((n, c) => n + c.data.byteLength + 8, 0) ?? 0)
    if (bytes > this.maxEntryBytes) {
      // one huge result would flush everything else; not worth keeping
      return
    }
    const old = this.entries.get(key)
    if (old != null) {
      this.delete(key, old)
    }
    const entry: Entry = { key, result, bytes, expires: now + this.ttlMs }
    this.entries.set(key, entry)
    this.order.push(entry)
    this.bytes += bytes
    while (this.order.length > 0) {
      const oldest = this.order.peek() as Entry
      if (this.entries.get(oldest.key) !== oldest) {
        // replaced or deleted since: only its place in the queue was left
        this.order.shift()
        continue
      }
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes && oldest.expires >= now) {
        break
      }
      this.order.shift()
      this.delete(oldest.key, oldest)
    }
  }

  /** The largest result kept: one bigger would flush too much else. */
  get maxEntryBytes (): number {
    return this.maxBytes / 16
  }

  get size (): number {
    return this.entries.size
  }

  private delete (key: string, entry: Entry): void {
    this.entries.delete(key)
    this.bytes -= entry.bytes
  }
}
