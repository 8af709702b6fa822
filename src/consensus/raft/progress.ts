/**
 * What a leader knows of one follower: how far its log matches (`match`),
 * what to send next (`next`), and how to send it. In `probe` one append is
 * out at a time until the follower answers; in `replicate` appends are
 * pipelined (`next` moves on optimistically) up to a bound of messages in
 * flight; in `snapshot` the follower is being sent a snapshot.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot'

export class Progress {
  match = 0
  next: number
  state: ProgressState = 'probe'
  /** In `probe`: an append is out and unanswered */
  probeSent = false
  /** In `snapshot`: the index of the snapshot sent */
  pendingSnapshot = 0
  /** In `snapshot`: ticks since it was sent; past the election timeout it is sent again */
  snapshotTicks = 0
  /** Heard from since the last check-quorum round */
  recentActive = false
  /** In `replicate`: the last index of each append in flight, oldest first */
  private readonly inflight: number[] = []
  private readonly maxInflight: number

  constructor (next: number, maxInflight: number) {
    this.next = next
    this.maxInflight = maxInflight
  }

  becomeProbe (): void {
    if (this.state === 'snapshot') {
      this.next = Math.max(this.match + 1, this.pendingSnapshot + 1)
    } else {
      this.next = this.match + 1
    }
    this.state = 'probe'
    this.probeSent = false
    this.pendingSnapshot = 0
    this.inflight.length = 0
  }

  becomeReplicate (): void {
    this.state = 'replicate'
    this.next = this.match + 1
    this.probeSent = false
    this.pendingSnapshot = 0
    this.inflight.length = 0
  }

  becomeSnapshot (index: number): void {
    this.state = 'snapshot'
    this.pendingSnapshot = index
    this.snapshotTicks = 0
    this.probeSent = false
    this.inflight.length = 0
  }

  /** Nothing more may be sent until the follower answers */
  isPaused (): boolean {
    switch (this.state) {
      case 'probe': return this.probeSent
      case 'replicate': return this.inflight.length >= this.maxInflight
      default: return true
    }
  }

  /** An append ending at `lastIndex` (with entries) went out */
  sentEntries (lastIndex: number): void {
    if (this.state === 'replicate') {
      this.next = lastIndex + 1
      this.inflight.push(lastIndex)
    } else {
      this.probeSent = true
    }
  }

  /**
   * The follower answered a heartbeat while the pipeline is full: appends
   * may have been lost, so let one more go (a gap makes the follower refuse
   * it, and the leader probes).
   */
  freeOne (): void {
    if (this.state === 'replicate' && this.inflight.length >= this.maxInflight) this.inflight.shift()
  }

  /** The follower holds the leader's log up to `index`; false when that is old news */
  maybeUpdate (index: number): boolean {
    let updated = false
    if (index > this.match) {
      this.match = index
      updated = true
      this.probeSent = false
    }
    this.next = Math.max(this.next, index + 1)
    while (this.inflight.length > 0 && this.inflight[0] <= index) this.inflight.shift()
    return updated
  }

  /**
   * The follower refused an append after `rejected`; `probeFrom` is where the
   * leader guesses the logs match. False when the refusal is stale.
   */
  maybeDecrTo (rejected: number, probeFrom: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false
      this.becomeProbe()
      this.next = Math.max(this.match + 1, Math.min(rejected, probeFrom + 1))
      return true
    }
    if (this.next - 1 !== rejected) return false
    this.next = Math.max(this.match + 1, Math.min(rejected, probeFrom + 1))
    this.probeSent = false
    return true
  }
}
