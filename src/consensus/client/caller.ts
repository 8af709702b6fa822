/**
 * How a group handle reaches the group: each call goes to the leader it
 * last heard of (or, knowing none, to any member, which redirects), over the
 * group's mesh service, or straight to this peer's own member. A redirect
 * means nothing was appended, so the call goes again, to the leader named,
 * until its deadline; a leader this peer cannot reach (not among the
 * members it knows) is asked through the member that named it. A write that was sent and whose answer never came
 * (the member died, the deadline passed) is never sent again: it rejects
 * with `OutcomeUnknownError`. Reads and other calls that change nothing are
 * asked again elsewhere.
 */
import { AbortError, NoLeaderError, OutcomeUnknownError, TimeoutError } from '../../errors.ts'
import { sleep } from '../../util/sleep.ts'
import { DEFAULT_CALL_TIMEOUT_MS, MEMBER_LIST_TTL_MS, NO_LEADER_RETRY_MS } from '../constants.ts'
import { isRefusal, refusalError, WRITE_OPS } from './protocol.ts'
import type { MeshNode } from '../../types.ts'
import type { MemberService } from '../member/service.ts'
import type { CallOptions } from '../types.ts'
import type { Answer, Request } from './protocol.ts'

export interface CallerInit {
  node: MeshNode
  service: string
  /** This peer's own member, if it is one */
  local?: () => MemberService | undefined
}

/** A deadline and the signals behind it, for one call. */
export interface Deadline {
  signal: AbortSignal
  /** ms left */
  left(): number
  /** The error to end the call with: the caller's abort, or the deadline */
  error(): Error
}

export function deadline (options: CallOptions = {}): Deadline {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS
  const end = performance.now() + timeoutMs
  const timeout = AbortSignal.timeout(Math.max(1, timeoutMs))
  const signal = options.signal == null ? timeout : AbortSignal.any([options.signal, timeout])
  return {
    signal,
    left: () => Math.max(0, Math.floor(end - performance.now())),
    error: () => options.signal?.aborted === true ? new AbortError() : new TimeoutError(`the group call did not finish within ${timeoutMs} ms`)
  }
}

export class Caller {
  private readonly init: CallerInit
  /** The leader as last heard */
  leader?: string

  constructor (init: CallerInit) {
    this.init = init
  }

  private known: string[] = []
  private knownAt = -Infinity

  /** Members this peer knows of: the peers that serve the group's service (looked up again every so often). */
  members (): string[] {
    const now = performance.now()
    if (now - this.knownAt > MEMBER_LIST_TTL_MS) {
      const own = this.init.local?.() != null ? [this.init.node.peerId] : []
      const others = this.init.node.peers().filter(p => p.state === 'alive' && p.services.includes(this.init.service)).map(p => p.peerId)
      this.known = [...own, ...others]
      this.knownAt = now
    }
    return this.known
  }

  /** This peer's own member, when `peerId` is this peer and it is one. */
  localMember (peerId: string): MemberService | undefined {
    return peerId === this.init.node.peerId ? this.init.local?.() : undefined
  }

  /** Forgets the member list, so the next call looks again (a member failed to answer). */
  private forget (): void {
    this.knownAt = -Infinity
  }

  /** Where the next call goes: the leader if known and alive, else any member. */
  target (): string | undefined {
    const members = this.members()
    if (this.leader !== undefined && members.includes(this.leader)) return this.leader
    if (members.length === 0) return undefined
    return members[Math.floor(Math.random() * members.length)]
  }

  async call (req: Request, options?: CallOptions): Promise<unknown> {
    const d = deadline(options)
    const write = WRITE_OPS.has(req.op) || req.op === 'member'
    let lastRefusal: Error | undefined
    /** A member that named a leader this peer does not know: it is asked to forward */
    let via: string | undefined
    /**
     * An earlier attempt of this write may have reached a member (its worker failed or stopped under
     * it), so a refusal of a later attempt no longer says the write did not take effect
     */
    let reached: Error | undefined
    const settled = (err: Error): Error => reached === undefined || err.name === 'OutcomeUnknownError' || err.name === 'AbortError'
      ? err
      : new OutcomeUnknownError(`an earlier attempt of the write may have taken effect (${reached.message}); then: ${err.message}`, { cause: reached })
    for (;;) {
      if (d.signal.aborted) throw options?.signal?.aborted === true ? d.error() : settled(lastRefusal ?? new NoLeaderError('no leader answered before the deadline'))
      // a member answers a local read from its own state
      const target = req.op === 'get' && req.consistency === 'local' && this.init.local?.() != null ? this.init.node.peerId : via ?? this.target()
      if (target === undefined) {
        this.forget()
        // no member known yet (presence still spreading): ask nobody rather than anybody
        lastRefusal = new NoLeaderError('no member of the group is known')
        await sleep(NO_LEADER_RETRY_MS, d.signal).catch(() => {})
        continue
      }
      let answer: Answer
      try {
        answer = await this.send(target, via === undefined ? req : { ...req, forward: true }, d)
      } catch (err: any) {
        // a member that failed to answer is not asked first again
        this.forget()
        if (this.leader === target) this.leader = undefined
        if (via === target) via = undefined
        if (err.name === 'NoWorkersError' && !d.signal.aborted) {
          // no member could be asked (none known yet, or the one asked is gone); a write asked again
          // carries the same client and seq, so the group applies it at most once
          if (write && err.peerId !== undefined) reached ??= err
          await sleep(NO_LEADER_RETRY_MS, d.signal).catch(() => {})
          continue
        }
        if (write) throw new OutcomeUnknownError(`the write was sent to ${target} and no answer came: ${err.message}`, { cause: err, peerId: target })
        lastRefusal = d.signal.aborted ? d.error() : err
        await sleep(NO_LEADER_RETRY_MS, d.signal).catch(() => {})
        continue
      }
      if (isRefusal(answer)) {
        if (answer.redirect === true) {
          const before = this.leader
          this.leader = answer.leader
          lastRefusal = new NoLeaderError(answer.message)
          // a leader this peer cannot reach directly: the member that named it asks it instead
          via = via === undefined && answer.leader !== undefined && !this.members().includes(answer.leader) ? target : undefined
          if (answer.leader === undefined || answer.leader === target || answer.leader === before) {
            await sleep(NO_LEADER_RETRY_MS, d.signal).catch(() => {})
          }
          continue
        }
        throw settled(refusalError(answer, target))
      }
      if (via === undefined && req.op !== 'status' && req.op !== 'lock-wait' && !(req.op === 'get' && req.consistency === 'local')) this.leader = target
      return answer.ok
    }
  }

  private async send (target: string, req: Request, d: Deadline): Promise<Answer> {
    const local = this.localMember(target)
    if (local != null) {
      return await (local.handle(req, d.signal) as Promise<Answer>)
    }
    return await this.init.node.request<Answer>(this.init.service, req, {
      preferPeer: target,
      maxAttempts: 1,
      timeoutMs: Math.max(1, Math.floor(d.left())),
      signal: d.signal
    })
  }
}
