/**
 * A task journal on LevelDB, for requesters that must survive a restart.
 *
 * Recording a task, noting its worker and forgetting it are the moments that
 * decide what a restart finds, and none may wait for an asynchronous write:
 * a task
 * recorded "soon" is lost if the process dies before the write lands (the
 * caller already holds its promise), a worker noted "soon" is lost if it dies
 * just after the dispatch (and `recover()` then reruns the task elsewhere),
 * and a task forgotten before the caller hears its outcome is lost if the
 * process dies in between. So all go first to a small append-only log with
 * a synchronous write — a task is in the journal once `request()` returns,
 * its worker once the task is sent, and it is forgotten in the same turn of
 * the event loop in which its caller hears the outcome — and LevelDB,
 * which holds the journal's compacted state, follows in the background.
 * Opening the journal replays the log into LevelDB. Job records (a
 * journaled `map`: the job and each result handed over) take the same path.
 *
 * Writes reach the operating system before the caller goes on: they survive
 * the process being killed, not the machine losing power.
 *
 * @example
 * ```ts
 * const journal = await levelJournal('./.meshwork/journal')
 * const node = await createMeshNode({ bootstrap, journal, privateKey: await loadIdentity('./.meshwork/key') })
 * for (const task of await node.recover()) task.result?.then(console.log)
 * ```
 */
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { datastoreJobs, datastoreJournal, decodeJournalRecord, encodeJournalRecord } from '../src/journal/journal.ts'
import type { JobStore, Journal, JournalRecord } from '../src/journal/journal.ts'

export interface LevelJournal extends Journal {
  close(): Promise<void>
}

/** The log, inside the LevelDB folder (LevelDB leaves files it did not write alone). */
const LOG_FILE = 'meshwork-log'
/** Lines the log may reach before it is rewritten with only what LevelDB does not hold yet. */
const MAX_LOG_LINES = 10_000

/** What the log holds of a task that LevelDB may not hold yet. */
interface Unsettled {
  /** The record, while its LevelDB write may not have landed */
  record?: JournalRecord
  /** The worker noted for a task LevelDB already holds, while that note may not have landed */
  worker?: string
  forgotten: boolean
  /** The task's LevelDB writes, in order */
  write: Promise<void>
}

export async function levelJournal (path: string): Promise<LevelJournal> {
  // loaded when a journal is opened: LevelDB is a native module most peers never need
  const { LevelDatastore } = await import('datastore-level')
  const store = new LevelDatastore(path)
  await store.open()
  const records = datastoreJournal(store)
  const jobStore = datastoreJobs(store)
  const logPath = join(path, LOG_FILE)
  if (existsSync(logPath)) {
    await replay(logPath, records, jobStore)
  }
  writeFileSync(logPath, '')
  let fd = openSync(logPath, 'a')
  let lines = 0
  const unsettled = new Map<string, Unsettled>()
  /** Log lines of job writes LevelDB may not hold yet, in write order */
  const unsettledJobs = new Map<number, string>()
  let jobSeq = 0
  /** Job writes run one after another, in the order made */
  let jobWrites = Promise.resolve()

  const log = (text: string): void => {
    appendFileSync(fd, text)
    lines++
  }

  const compact = (): void => {
    const text = [...unsettled].map(([id, u]) => u.forgotten ? forgetLine(id) : u.record != null ? recordLine(u.record) : u.worker != null ? workerLine(id, u.worker) : '').join('') +
      [...unsettledJobs.values()].join('')
    // write aside and rename, so a crash leaves one whole log
    writeFileSync(`${logPath}.tmp`, text)
    renameSync(`${logPath}.tmp`, logPath)
    closeSync(fd)
    fd = openSync(logPath, 'a')
    lines = unsettled.size + unsettledJobs.size
  }

  /** Logs a job write, then makes it in LevelDB after the earlier ones. */
  const jobWrite = (line: string, op: () => Promise<void>): Promise<void> => {
    log(line)
    const seq = jobSeq++
    unsettledJobs.set(seq, line)
    const write = jobWrites.catch(() => {}).then(op)
    jobWrites = write
    // a write that failed stays in the log: its line is then its only copy
    write.then(() => {
      unsettledJobs.delete(seq)
      if (lines > MAX_LOG_LINES && unsettled.size + unsettledJobs.size < lines / 2) {
        compact()
      }
    }, () => {})
    return write
  }

  const jobs: JobStore = {
    put: async (key, value) => {
      void jobWrite(jobPutLine(key, value), async () => { await jobStore.put(key, value) }).catch(() => {})
    },
    clear: async (prefix) => {
      void jobWrite(jobClearLine(prefix), async () => { await jobStore.clear(prefix) }).catch(() => {})
    },
    list: async (prefix, limit) => {
      // what the log holds lands first, so LevelDB answers for it
      await jobWrites.catch(() => {})
      return jobStore.list(prefix, limit)
    }
  }

  /** Runs `op` after the task's earlier LevelDB writes, tracking it until it lands. */
  const track = (id: string, state: Omit<Unsettled, 'write'>, op: () => Promise<void>): Promise<void> => {
    const previous = unsettled.get(id)?.write ?? Promise.resolve()
    const entry: Unsettled = { ...state, write: previous.catch(() => {}).then(op) }
    unsettled.set(id, entry)
    // an entry whose LevelDB write failed stays: the log line is then its only copy
    entry.write.then(() => {
      if (unsettled.get(id) === entry) {
        unsettled.delete(id)
        if (lines > MAX_LOG_LINES && unsettled.size + unsettledJobs.size < lines / 2) {
          compact()
        }
      }
    }, () => {})
    return entry.write
  }

  return {
    add: async (record: JournalRecord) => {
      log(recordLine(record))
      void track(record.id, { record, forgotten: false }, async () => { await records.add(record) }).catch(() => {})
    },
    assign: async (id: string, worker: string) => {
      const current = unsettled.get(id)
      if (current?.forgotten === true) {
        return
      }
      const record = current?.record != null ? { ...current.record, worker } : undefined
      log(record != null ? recordLine(record) : workerLine(id, worker))
      await track(id, { record, worker, forgotten: false }, async () => {
        if (record != null) {
          await records.add(record)
        } else {
          await records.assign?.(id, worker)
        }
      })
    },
    remove: async (id: string) => {
      if (unsettled.get(id)?.forgotten === true) {
        return
      }
      log(forgetLine(id))
      void track(id, { forgotten: true }, async () => { await records.remove(id) }).catch(() => {})
    },
    pending: async (limit?: number) => {
      const stored = await records.pending()
      const byId = new Map(stored.map(r => [r.id, r]))
      for (const [id, u] of unsettled) {
        if (u.forgotten) {
          byId.delete(id)
        } else if (u.record != null) {
          byId.set(id, u.record)
        } else if (u.worker != null && byId.has(id)) {
          byId.set(id, { ...byId.get(id)!, worker: u.worker })
        }
      }
      return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt).slice(0, limit)
    },
    jobs,
    close: async () => {
      await Promise.allSettled([...unsettled.values()].map(async u => { await u.write }))
      await jobWrites.catch(() => {})
      // what LevelDB did not take stays in the log, for the next open to replay
      compact()
      closeSync(fd)
      await store.close()
    }
  }
}

function recordLine (record: JournalRecord): string {
  return `+${Buffer.from(encodeJournalRecord(record)).toString('base64')}\n`
}

function forgetLine (id: string): string {
  return `-${encodeURIComponent(id)}\n`
}

function workerLine (id: string, worker: string): string {
  return `@${encodeURIComponent(id)} ${encodeURIComponent(worker)}\n`
}

function jobPutLine (key: string, value: Uint8Array): string {
  return `=${encodeURIComponent(key)} ${Buffer.from(value).toString('base64')}\n`
}

function jobClearLine (prefix: string): string {
  return `~${encodeURIComponent(prefix)}\n`
}

/**
 * Applies the log a crash left behind to LevelDB: forgotten tasks are
 * deleted, recorded ones are added unless LevelDB has them already, and
 * the last worker noted for each task still recorded is written to it;
 * job writes are made again, in order.
 */
async function replay (logPath: string, records: Journal, jobs: JobStore): Promise<void> {
  const lines = readFileSync(logPath, 'utf8').split('\n')
  // the last piece has no newline: empty, or a line cut short by the crash (never acted on)
  lines.pop()
  const added = new Map<string, JournalRecord>()
  const forgotten = new Set<string>()
  const workers = new Map<string, string>()
  for (const text of lines) {
    try {
      // job writes are applied in order: a put and a clear of the same key do not commute
      if (text.startsWith('=')) {
        const [key, value] = text.slice(1).split(' ')
        await jobs.put(decodeURIComponent(key), Buffer.from(value, 'base64'))
      } else if (text.startsWith('~')) {
        await jobs.clear(decodeURIComponent(text.slice(1)))
      } else if (text.startsWith('+')) {
        const record = decodeJournalRecord(Buffer.from(text.slice(1), 'base64'))
        added.set(record.id, record)
        if (record.worker != null) {
          workers.set(record.id, record.worker)
        }
      } else if (text.startsWith('@')) {
        const [id, worker] = text.slice(1).split(' ').map(decodeURIComponent)
        workers.set(id, worker)
      } else if (text.startsWith('-')) {
        const id = decodeURIComponent(text.slice(1))
        added.delete(id)
        workers.delete(id)
        forgotten.add(id)
      }
    } catch {
      // a damaged line: what it said is lost, the rest of the log still counts
    }
  }
  for (const id of forgotten) {
    await records.remove(id)
  }
  const stored = new Set((await records.pending()).map(r => r.id))
  for (const [id, record] of added) {
    if (!stored.has(id)) {
      await records.add(record)
    }
  }
  for (const [id, worker] of workers) {
    await records.assign?.(id, worker)
  }
}
