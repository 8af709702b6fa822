/**
 * The requester's use of the journal: a call is recorded before its first
 * dispatch and forgotten before the caller hears its outcome, so a restart
 * in between finds it again (and a call already answered is not rerun).
 * Each dispatch notes its worker, so a recovered call goes back to the
 * worker whose result cache may already hold the answer.
 */
import type { Call } from './call.ts'
import type { Journal } from '../journal/journal.ts'
import type { Logger } from '@libp2p/interface'

export class CallJournal {
  private readonly journal: Journal
  private readonly log: Logger
  /**
   * The last write of each call still in progress. Writes of one call run in
   * order, and forgetting waits for them, so a late write never brings a
   * forgotten call back.
   */
  private readonly writing = new Map<Call, Promise<void>>()

  constructor (journal: Journal, log: Logger) {
    this.journal = journal
    this.log = log
  }

  /** Records a call; resolves once the record is durable. */
  async record (call: Call): Promise<void> {
    const { init } = call
    await this.chain(call, async () => {
      await this.journal.add({
        id: call.id,
        service: call.service,
        input: init.input,
        streaming: init.streaming,
        createdAt: Date.now(),
        deadline: init.deadline,
        maxAttempts: init.maxAttempts,
        model: init.model
      })
    })
  }

  /** Notes the worker a call was sent to; best effort, never rejects. */
  assigned (call: Call, worker: string): void {
    const assign = this.journal.assign
    if (assign == null) {
      return
    }
    this.chain(call, async () => { await assign.call(this.journal, call.id, worker) }).catch((err: Error) => {
      this.log('journal could not note the worker of %s: %s', call.id, err.message)
    })
  }

  /** Forgets a finished call; never rejects (a failed delete is logged). */
  async forget (call: Call): Promise<void> {
    try {
      await this.writing.get(call)
    } catch {}
    try {
      await this.journal.remove(call.id)
    } catch (err: any) {
      this.log.error('journal could not forget %s: %s', call.id, err.message)
    }
  }

  private async chain (call: Call, write: () => Promise<void>): Promise<void> {
    const previous = this.writing.get(call)
    // a first write starts now, not a microtask later: a journal that writes synchronously
    // then holds the call by the time `request()` returns
    const next = previous == null ? write() : previous.catch(() => {}).then(write)
    this.writing.set(call, next)
    try {
      await next
    } finally {
      if (this.writing.get(call) === next) {
        this.writing.delete(call)
      }
    }
  }
}
