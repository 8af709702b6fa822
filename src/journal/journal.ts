/**
 * The task journal: a requester records each task before dispatching it and
 * forgets it once its result (or final error) has been handed over. After a
 * restart, `MeshNode.recover()` runs what is still recorded, so no task is
 * lost and each resolves once. Backed by any interface-datastore store:
 * LevelDB in Node (`levelJournal` from `meshwork/node`), IndexedDB in the
 * browser, memory for tests.
 *
 * @example
 * ```ts
 * const node = await createMeshNode({ bootstrap, journal: await levelJournal('./tasks') })
 * for (const task of await node.recover()) {
 *   task.result?.then(value => deliver(task.id, value))
 * }
 * ```
 */
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { ProtocolError } from '../errors.ts'
import { JournalEntry } from './generated/journal.js'
import type { Datastore } from 'interface-datastore'

/** A task as the journal keeps it. */
export interface JournalRecord {
  id: string
  service: string
  input: { data: Uint8Array, codec: number }
  streaming: boolean
  createdAt: number
  deadline: number
  maxAttempts: number
  model?: string
  /** The worker the task was last sent to, once dispatched */
  worker?: string
}

/**
 * Where a requester records its calls (pass one as `journal`). A record is
 * durable once `add` resolves; a call is forgotten with `remove` before its
 * caller hears the outcome, so after a crash `pending` holds exactly the
 * calls nobody has answered. `datastoreJournal`, `memoryJournal`,
 * `levelJournal` (Node) and `indexedDbJournal` (browser) implement it.
 */
export interface Journal {
  /** Records a task before it is dispatched. */
  add(record: JournalRecord): Promise<void>
  /**
   * Notes the worker a recorded task was sent to, so a recovered task goes
   * back to it (and its result cache) first. Does nothing for a task no
   * longer recorded.
   */
  assign?(id: string, worker: string): Promise<void>
  /** Forgets a task whose outcome was delivered. */
  remove(id: string): Promise<void>
  /** Every task still recorded, oldest first, at most `limit`. */
  pending(limit?: number): Promise<JournalRecord[]>
  /**
   * Where jobs of many tasks (`map` with a `journal` option) keep their
   * state: the job, and each result handed over. Without it such jobs
   * cannot be journaled.
   */
  jobs?: JobStore
}

/**
 * Keyed records of jobs, beside the task records. A write is durable once
 * its promise resolves; writes land in the order they were made.
 */
export interface JobStore {
  put(key: string, value: Uint8Array): Promise<void>
  /** Forgets every record whose key starts with `prefix`. */
  clear(prefix: string): Promise<void>
  /** The records whose key starts with `prefix`, in key order, at most `limit`. */
  list(prefix: string, limit?: number): Promise<JobEntry[]>
}

export interface JobEntry {
  key: string
  value: Uint8Array
}

const PREFIX = '/meshwork/journal'
const JOBS_PREFIX = '/meshwork/jobs/'

/** A journal on an interface-datastore store (opened by the caller). */
export function datastoreJournal (datastore: Datastore): Journal {
  const key = (id: string): Key => new Key(`${PREFIX}/${encodeURIComponent(id)}`)
  return {
    async add (record) {
      await datastore.put(key(record.id), encodeJournalRecord(record))
    },
    async assign (id, worker) {
      let bytes: Uint8Array
      try {
        bytes = await datastore.get(key(id))
      } catch (err: any) {
        if (err?.name === 'NotFoundError') {
          return
        }
        throw err
      }
      await datastore.put(key(id), encodeJournalRecord({ ...decodeJournalRecord(bytes), worker }))
    },
    async remove (id) {
      await datastore.delete(key(id))
    },
    async pending (limit = Infinity) {
      const out: JournalRecord[] = []
      for await (const { value } of datastore.query({ prefix: PREFIX })) {
        out.push(decodeJournalRecord(value))
      }
      out.sort((a, b) => a.createdAt - b.createdAt)
      return out.slice(0, limit)
    },
    jobs: datastoreJobs(datastore)
  }
}

/** Job records on an interface-datastore store, under their own prefix. */
export function datastoreJobs (datastore: Datastore): JobStore {
  const list = async (prefix: string, limit = Infinity): Promise<JobEntry[]> => {
    const out: JobEntry[] = []
    for await (const { key, value } of datastore.query({ prefix: JOBS_PREFIX + encodeURIComponent(prefix) })) {
      out.push({ key: decodeURIComponent(key.toString().slice(JOBS_PREFIX.length)), value })
    }
    out.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    return out.slice(0, limit)
  }
  return {
    async put (key, value) {
      await datastore.put(new Key(JOBS_PREFIX + encodeURIComponent(key)), value)
    },
    async clear (prefix) {
      for (const { key } of await list(prefix)) {
        await datastore.delete(new Key(JOBS_PREFIX + encodeURIComponent(key)))
      }
    },
    list
  }
}

/** A record's bytes, as the datastore keeps them. */
export function encodeJournalRecord (record: JournalRecord): Uint8Array {
  return JournalEntry.encode({
    id: record.id,
    service: record.service,
    input: record.input.data as Uint8Array<ArrayBuffer>,
    codec: record.input.codec,
    streaming: record.streaming,
    createdAt: BigInt(record.createdAt),
    deadline: BigInt(record.deadline),
    maxAttempts: record.maxAttempts,
    model: record.model ?? '',
    worker: record.worker ?? ''
  })
}

/** A journal in memory: tasks survive nothing, but the code path is the same. */
export function memoryJournal (): Journal {
  return datastoreJournal(new MemoryDatastore())
}

/** Reads a record's bytes; throws {@link ProtocolError} when they are not one. */
export function decodeJournalRecord (bytes: Uint8Array): JournalRecord {
  let entry: JournalEntry
  try {
    entry = JournalEntry.decode(bytes)
  } catch (err) {
    throw new ProtocolError('corrupt journal entry', { cause: err })
  }
  return {
    id: entry.id,
    service: entry.service,
    input: { data: entry.input, codec: entry.codec },
    streaming: entry.streaming,
    createdAt: Number(entry.createdAt),
    deadline: Number(entry.deadline),
    maxAttempts: entry.maxAttempts,
    model: entry.model === '' ? undefined : entry.model,
    worker: entry.worker === '' ? undefined : entry.worker
  }
}
