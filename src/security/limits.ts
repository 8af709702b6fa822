/**
 * Per-peer limits a worker applies to the tasks it accepts: tasks in flight
 * (running or queued) and a request rate (token bucket). Past either, the
 * task is refused with RateLimitedError, which the requester may take
 * elsewhere.
 */
import { RateLimitedError } from '../errors.ts'

/**
 * Per-peer limits on the tasks a worker accepts (pass as `limits`): a peer
 * past them is refused with RateLimitedError, retryable, so its calls move
 * to other workers rather than crowd out everyone else's.
 */
export interface PeerLimitsInit {
  /**
   * Tasks one peer may have running or queued here
   *
   * @default 1024
   */
  maxTasksPerPeer?: number
  /**
   * Tasks one peer may start per second, sustained (a token bucket)
   *
   * @default 50000
   */
  maxRatePerPeer?: number
  /**
   * Tasks one peer may start in a burst
   *
   * @default maxRatePerPeer (one second's worth)
   */
  burstPerPeer?: number
}

export const DEFAULT_MAX_TASKS_PER_PEER = 1024
export const DEFAULT_MAX_RATE_PER_PEER = 50_000
/** Peers tracked at most; idle ones are dropped first. */
const MAX_TRACKED_PEERS = 10_000

interface Bucket {
  tokens: number
  at: number
  inFlight: number
}

export class PeerLimits {
  private readonly maxTasks: number
  private readonly rate: number
  private readonly burst: number
  private readonly buckets = new Map<string, Bucket>()

  constructor (init: PeerLimitsInit = {}) {
    this.maxTasks = init.maxTasksPerPeer ?? DEFAULT_MAX_TASKS_PER_PEER
    this.rate = init.maxRatePerPeer ?? DEFAULT_MAX_RATE_PER_PEER
    this.burst = init.burstPerPeer ?? this.rate
  }

  /** Takes a slot for a task from `peer`, or throws RateLimitedError. */
  admit (peer: string, now = performance.now()): void {
    let bucket = this.buckets.get(peer)
    if (bucket == null) {
      this.evictIdle()
      bucket = { tokens: this.burst, at: now, inFlight: 0 }
      this.buckets.set(peer, bucket)
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.rate / 1000)
    bucket.at = now
    if (bucket.inFlight >= this.maxTasks) {
      throw new RateLimitedError(`more than ${this.maxTasks} tasks in flight from this peer`, { peerId: peer })
    }
    if (bucket.tokens < 1) {
      throw new RateLimitedError(`more than ${this.rate} tasks a second from this peer`, { peerId: peer })
    }
    bucket.tokens -= 1
    bucket.inFlight++
  }

  /** Gives back the slot of a finished (or refused) task. */
  release (peer: string): void {
    const bucket = this.buckets.get(peer)
    if (bucket != null && bucket.inFlight > 0) {
      bucket.inFlight--
    }
  }

  private evictIdle (): void {
    if (this.buckets.size < MAX_TRACKED_PEERS) {
      return
    }
    for (const [peer, bucket] of this.buckets) {
      if (bucket.inFlight === 0) {
        this.buckets.delete(peer)
        if (this.buckets.size < MAX_TRACKED_PEERS) {
          return
        }
      }
    }
  }
}
