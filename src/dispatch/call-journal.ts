/**
 * The requester's use of the journal: a call is recorded before its first
 * dispatch and forgotten before the caller hears its outcome, so a restart
 * in between finds it again (and a call already answered is not rerun).
 */
import type { Call } from './call.ts'
import type { Journal } from '../journal/journal.ts'
import type { Logger } from '@libp2p/interface'

export class CallJournal {
  private readonly journal: Journal
  private readonly log: Logger
  /** Writes still in progress, so a quick outcome waits for its record */
  private readonly recording = new Map<Call, Promise<void>>()

  constructor (journal: Journal, log: Logger) {
    this.journal = journal
    this.log = log
  }

  /** Records a call; resolves once the record is durable. */
  async record (call: Call): Promise<void> {
    const { init } = call
    const writing = this.journal.add({
      id: call.id,
      service: call.service,
      input: init.input,
      streaming: init.streaming,
      createdAt: Date.now(),
      deadline: init.deadline,
      maxAttempts: init.maxAttempts,
      model: init.model
    })
    this.recording.set(call, writing)
    try {
      await writing
    } finally {
      this.recording.delete(call)
    }
  }

  /** Forgets a finished call; never rejects (a failed delete is logged). */
  async forget (call: Call): Promise<void> {
    try {
      await this.recording.get(call)
    } catch {}
    try {
      await this.journal.remove(call.id)
    } catch (err: any) {
      this.log.error('journal could not forget %s: %s', call.id, err.message)
    }
  }
}
