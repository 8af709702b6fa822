/**
 * Locks as a client holds them, Chubby-style: this handle opens one session
 * with the group on its first lock and keeps it alive with keepalives (a few
 * per ttl) while it lives; a lock belongs to the session. A lock that is
 * held by another session is waited for: the client asks again whenever a
 * member sees the lock change (or every so often). If the session lapses
 * (this peer was paused or cut off past the ttl), its locks are gone and
 * the next lock opens a new session.
 */
import { NotStartedError, SessionExpiredError } from '../../errors.ts'
import { sleep } from '../../util/sleep.ts'
import { DEFAULT_CALL_TIMEOUT_MS, DEFAULT_LOCK_TTL_MS, KEEPALIVES_PER_TTL, LOCK_WAIT_CALL_MS, NO_LEADER_RETRY_MS } from '../constants.ts'
import { deadline } from './caller.ts'
import type { Caller } from './caller.ts'
import type { Lock, LockOptions } from '../types.ts'
import type { WriteRequest } from './protocol.ts'

type Stamped<T> = T extends any ? Omit<T, 'client' | 'seq'> : never

/** Errors of one ask after which a lock call asks again while its deadline lasts: nothing was granted that it cannot find again */
const ASK_AGAIN = new Set(['OutcomeUnknownError', 'NoLeaderError', 'TimeoutError'])

export interface LockerInit {
  caller: Caller
  /** Stamps a write with this handle's client id and next seq */
  write(req: Stamped<WriteRequest>, options?: { signal?: AbortSignal, timeoutMs?: number }): Promise<any>
}

export class Locker {
  private readonly init: LockerInit
  private session?: Promise<number>
  private sessionTtlMs = Infinity
  private timer?: ReturnType<typeof setInterval>
  private closed = false

  constructor (init: LockerInit) {
    this.init = init
  }

  private async ensureSession (ttlMs: number, signal: AbortSignal): Promise<number> {
    if (this.session == null) {
      const opening = this.init.write({ op: 'session-open', ttlMs }, { signal }).then((r: { session: number }) => r.session)
      this.session = opening
      opening.catch(() => { if (this.session === opening) this.session = undefined })
      this.keepAlive(ttlMs)
    }
    return this.session
  }

  private keepAlive (ttlMs: number): void {
    if (ttlMs >= this.sessionTtlMs && this.timer != null) return
    this.sessionTtlMs = Math.min(this.sessionTtlMs, ttlMs)
    clearInterval(this.timer)
    this.timer = setInterval(() => {
      const session = this.session
      session?.then(async id => this.init.write({ op: 'keepalive', session: id }, { timeoutMs: this.sessionTtlMs }))
        .catch((err: Error) => {
          if (err.name === 'SessionExpiredError' && this.session === session) this.session = undefined
        })
    }, Math.max(10, Math.floor(this.sessionTtlMs / KEEPALIVES_PER_TTL)))
  }

  async lock (name: string, options: LockOptions = {}): Promise<Lock> {
    const ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS
    const d = deadline({ ...options, timeoutMs: options.timeoutMs ?? 2 ** 31 - 1 })
    for (;;) {
      if (d.signal.aborted) throw d.error()
      if (this.closed) throw new NotStartedError('the group handle is closed')
      let session: number | undefined
      let r: { granted: boolean, token: number, revision: number, holder?: number }
      try {
        session = await this.ensureSession(ttlMs, d.signal)
        this.keepAlive(ttlMs)
        // each ask is bounded on its own, so that a member that died under it cannot hold the wait
        r = await this.init.write({ op: 'lock', session, key: name, ttlMs }, { signal: d.signal, timeoutMs: Math.min(d.left(), DEFAULT_CALL_TIMEOUT_MS) })
      } catch (err: any) {
        if (d.signal.aborted) throw d.error()
        if (err.name === 'SessionExpiredError') {
          if (this.session != null && await this.session.catch(() => -1) === session) this.session = undefined
          continue
        }
        // asking again is safe: a lock this session already holds answers with its grant (a
        // session opened without an answer lapses after its ttl)
        if (!ASK_AGAIN.has(err.name)) throw err
        await sleep(NO_LEADER_RETRY_MS, d.signal).catch(() => {})
        continue
      }
      if (r.granted || r.holder === session) return this.held(name, session, r.token)
      await this.init.caller.call({ op: 'lock-wait', key: name, revision: r.revision }, { signal: d.signal, timeoutMs: Math.min(d.left(), LOCK_WAIT_CALL_MS) }).catch((err: Error) => {
        if (d.signal.aborted) throw d.error()
        return err
      })
    }
  }

  private held (name: string, session: number, token: number): Lock {
    return {
      name,
      token,
      release: async (options) => {
        await this.init.write({ op: 'unlock', session, key: name, token }, options).catch((err: Error) => {
          // a lapsed session holds nothing: the lock is already free
          if (!(err instanceof SessionExpiredError) && err.name !== 'SessionExpiredError') throw err
        })
      }
    }
  }

  /**
   * Stops the keepalives, as when the peer dies: the session and its locks
   * lapse after their ttl (release a lock to free it at once).
   */
  close (): void {
    this.closed = true
    clearInterval(this.timer)
    this.session = undefined
  }
}
