/**
 * A task journal in IndexedDB, for tabs whose requests must survive a
 * reload: the tab records each task before dispatching it, and
 * `node.recover()` after the reload runs what is still recorded.
 *
 * @example
 * ```ts
 * const journal = await indexedDbJournal('my-app-tasks')
 * const node = await createMeshNode({ bootstrap, journal })
 * for (const task of await node.recover()) task.result?.then(console.log)
 * ```
 */
import { IDBDatastore } from 'datastore-idb'
import { datastoreJournal } from '../src/journal/journal.ts'
import { DEFAULT_JOURNAL_DB } from './constants.ts'
import type { Journal } from '../src/journal/journal.ts'

export interface IndexedDbJournal extends Journal {
  close(): Promise<void>
}

/** Opens (creating it if needed) the IndexedDB database `name` as a journal. */
export async function indexedDbJournal (name = DEFAULT_JOURNAL_DB): Promise<IndexedDbJournal> {
  const store = new IDBDatastore(name)
  await store.open()
  return {
    ...datastoreJournal(store),
    close: async () => { await store.close() }
  }
}
