/**
 * A member's side of the client protocol (client/protocol.ts): the handler
 * of the group's mesh service. Writes and linearizable reads are served by
 * the leader; a follower answers them with a redirect naming the leader it
 * knows (nothing was appended, so the client may ask again there). Local
 * reads, status, lock waits and watches are served by any member from what
 * it applied.
 */
import { InvalidArgumentError, NoLeaderError, NotMemberError, OutcomeUnknownError, ProtocolError, QuotaExceededError, SessionExpiredError } from '../../errors.ts'
import { encodeValue, isKvError } from '../kv/index.ts'
import { LOCK_WAIT_MS, MAX_WATCHES_PER_MEMBER, WATCH_BATCH_CHANGES, WATCH_PROGRESS_MS } from '../constants.ts'
import { NotLeaderError, ProposalDroppedError } from '../raft/errors.ts'
import { toRefusal, WRITE_OPS } from '../client/protocol.ts'
import { checkRequest } from './check-request.ts'
import type { KvError } from '../kv/index.ts'
import type { Answer, Refusal, Request, WatchChunk, WriteRequest } from '../client/protocol.ts'
import type { GroupStatus } from '../types.ts'
import type { CommandBody, Member } from './runner.ts'

const KV_ERRORS: Record<KvError['error'], new (message: string) => Error> = {
  'bad-command': ProtocolError,
  'invalid-argument': InvalidArgumentError,
  'quota-exceeded': QuotaExceededError,
  'session-expired': SessionExpiredError,
  'duplicate-expired': OutcomeUnknownError,
  'already-applied': OutcomeUnknownError
}

/** What a member answers a client request with. */
export interface MemberService {
  handle(input: unknown, signal: AbortSignal): Promise<Answer> | AsyncIterable<WatchChunk>
  /** The member's view of the group, as `status()` gives it. */
  status(): GroupStatus
}

export function memberService (member: Member): MemberService {
  let watches = 0

  const status = (): GroupStatus => {
    const s = member.status()
    return { leader: s.leader, term: s.term, members: s.members, commitIndex: s.commit, appliedIndex: member.kv.appliedIndex() }
  }

  /** Refusals of errors the core raised before appending anything. */
  const refuse = (err: any): Refusal => {
    if (err instanceof NotLeaderError) return { error: 'NotLeaderError', message: err.message, redirect: true, leader: err.leader }
    if (err instanceof ProposalDroppedError) return { error: 'ProposalDroppedError', message: err.message, redirect: true, leader: member.id }
    return toRefusal(err)
  }

  const appliedOnce = async (signal: AbortSignal, ms: number): Promise<void> => new Promise(resolve => {
    const done = (): void => {
      off()
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const off = member.onApplied(done)
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })

  const body = (req: WriteRequest): CommandBody => {
    switch (req.op) {
      case 'put': return { ...req, value: encodeValue(req.value) }
      case 'cas': return { ...req, value: encodeValue(req.value) }
      default: return req
    }
  }

  const write = async (req: WriteRequest): Promise<Answer> => {
    let data: CommandBody
    try {
      data = body(req)
    } catch (err) {
      return toRefusal(err)
    }
    let pending: Promise<unknown>
    try {
      pending = member.propose(data)
    } catch (err) {
      return refuse(err)
    }
    try {
      const result = await pending
      return isKvError(result) ? toRefusal(new KV_ERRORS[result.error](result.message)) : { ok: result }
    } catch (err) {
      return refuse(err)
    }
  }

  async function * watch (prefix: string, fromRevision: number | undefined, signal: AbortSignal): AsyncGenerator<WatchChunk> {
    if (watches >= MAX_WATCHES_PER_MEMBER) {
      yield toRefusal(new QuotaExceededError('this member serves as many watches as it may'))
      return
    }
    watches++
    try {
      let next = fromRevision ?? member.kv.revision() + 1
      yield { revision: member.kv.revision() }
      while (!signal.aborted) {
        let changes
        try {
          changes = member.kv.changes(next, { prefix, limit: WATCH_BATCH_CHANGES })
        } catch (err) {
          yield toRefusal(err)
          return
        }
        if (changes.length > 0) {
          next = changes[changes.length - 1].revision + 1
          yield { changes }
          continue
        }
        // nothing under the prefix up to the applied revision: skip ahead past it
        next = Math.max(next, member.kv.revision() + 1)
        await appliedOnce(signal, WATCH_PROGRESS_MS)
        if (member.kv.changes(next, { prefix, limit: 1 }).length === 0) yield { revision: member.kv.revision() }
      }
    } finally {
      watches--
    }
  }

  const lockWait = async (key: string, revision: number, signal: AbortSignal): Promise<Answer> => {
    const deadline = performance.now() + LOCK_WAIT_MS
    for (;;) {
      const changed = member.kv.changes(revision + 1, { prefix: key, locks: true }).some(c => c.name === key)
      const left = deadline - performance.now()
      if (changed || left <= 0 || signal.aborted) return { ok: changed }
      await appliedOnce(signal, left)
    }
  }

  const handle = async (req: Exclude<Request, { op: 'watch' }>, signal: AbortSignal): Promise<Answer> => {
    if (member.failure != null) return toRefusal(member.failure)
    if (WRITE_OPS.has(req.op)) return write(req as WriteRequest)
    switch (req.op) {
      case 'get':
        if (req.consistency === 'linearizable') {
          try {
            await member.readBarrier(signal)
          } catch (err) {
            return err instanceof NoLeaderError ? { ...toRefusal(err), redirect: true } : refuse(err)
          }
        }
        return { ok: member.kv.get(req.key) ?? null }
      case 'status':
        return { ok: status() }
      case 'member':
        try {
          if (req.change === 'remove' && !member.status().members.includes(req.member)) throw new NotMemberError(`${req.member} is not a member`)
          await member.changeMembers({ type: req.change, member: req.member })
          return { ok: null }
        } catch (err) {
          return refuse(err)
        }
      case 'lock-wait':
        try {
          return await lockWait(req.key, req.revision, signal)
        } catch (err) {
          return toRefusal(err)
        }
      default:
        return toRefusal(new InvalidArgumentError('unknown request'))
    }
  }

  return {
    status,
    handle (input, signal) {
      const req = checkRequest(input)
      if ('error' in req) return Promise.resolve(req)
      if (req.op === 'watch') return watch(req.prefix, req.fromRevision, signal)
      return handle(req, signal)
    }
  }
}
