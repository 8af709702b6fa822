/**
 * A task journal on LevelDB, for requesters that must survive a restart.
 *
 * @example
 * ```ts
 * const journal = await levelJournal('./.meshwork/journal')
 * const node = await createMeshNode({ bootstrap, journal, privateKey: await loadIdentity('./.meshwork/key') })
 * for (const task of await node.recover()) task.result?.then(console.log)
 * ```
 */
import { LevelDatastore } from 'datastore-level'
import { datastoreJournal } from '../src/journal/journal.ts'
import type { Journal } from '../src/journal/journal.ts'

export interface LevelJournal extends Journal {
  close(): Promise<void>
}

export async function levelJournal (path: string): Promise<LevelJournal> {
  const store = new LevelDatastore(path)
  await store.open()
  return {
    ...datastoreJournal(store),
    close: async () => { await store.close() }
  }
}
