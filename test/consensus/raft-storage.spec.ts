/**
 * Raft storage, in memory and on LevelDB, under the same rules: what was
 * saved loads back (after a restart too), entries overwrite a conflicting
 * suffix, a snapshot replaces the prefix it covers, compaction drops a
 * prefix, and LevelDB failures reject with a StorageError.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { levelStorage } from '../../node/raft-storage.ts'
import { memoryStorage } from '../../src/consensus/storage/memory.ts'
import type { Entry, RaftStorage, StorageUpdate } from '../../src/consensus/log-types.ts'

const entry = (index: number, term: number, text = `${index}@${term}`): Entry => ({ index, term, type: index % 5 === 0 ? 'conf' : 'normal', data: new TextEncoder().encode(text) })
const run = (from: number, to: number, term: number): Entry[] => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term))
const ids = (entries: Entry[]): string[] => entries.map(e => `${e.index}@${e.term}`)

const dirs: string[] = []
const dir = (): string => { const d = mkdtempSync(join(tmpdir(), 'meshwork-raft-')); dirs.push(d); return d }
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

interface Kind {
  name: string
  open(): Promise<{ storage: RaftStorage, restart(): Promise<RaftStorage> }>
}

const kinds: Kind[] = [
  {
    name: 'memory',
    open: async () => {
      const storage = memoryStorage()
      return { storage, restart: async () => storage }
    }
  },
  {
    name: 'level',
    open: async () => {
      const path = dir()
      let storage = await levelStorage(path)
      return {
        storage,
        restart: async () => {
          await storage.close()
          storage = await levelStorage(path)
          return storage
        }
      }
    }
  }
]

describe.each(kinds)('$name raft storage', kind => {
  it('loads what was saved, after a restart too', async () => {
    const { storage, restart } = await kind.open()
    expect(await storage.load()).toEqual({ hardState: { term: 0, commit: 0 }, snapshot: undefined, entries: [] })
    await storage.save({ entries: run(1, 3, 1), hardState: { term: 1, vote: 'peer-a', commit: 2 } })
    await storage.save({ entries: [entry(4, 2)], hardState: { term: 2, commit: 3 } })
    const again = await restart()
    const loaded = await again.load()
    expect(loaded.hardState).toEqual({ term: 2, commit: 3 })
    expect(loaded.entries).toEqual([...run(1, 3, 1), entry(4, 2)])
    await again.close()
  })

  it('overwrites a conflicting suffix', async () => {
    const { storage, restart } = await kind.open()
    await storage.save({ entries: run(1, 6, 1) })
    await storage.save({ entries: run(3, 4, 2) })
    expect(ids((await storage.load()).entries)).toEqual(['1@1', '2@1', '3@2', '4@2'])
    await storage.save({ entries: run(5, 5, 3) })
    const again = await restart()
    expect(ids((await again.load()).entries)).toEqual(['1@1', '2@1', '3@2', '4@2', '5@3'])
    await expect(again.save({ entries: [entry(7, 3)] })).rejects.toHaveProperty('name', 'InvalidArgumentError')
    await expect(again.save({ entries: [entry(6, 3), entry(8, 3)] })).rejects.toHaveProperty('name', 'InvalidArgumentError')
    expect(ids((await again.load()).entries)).toEqual(['1@1', '2@1', '3@2', '4@2', '5@3'])
    await again.close()
  })

  it('replaces the prefix a snapshot covers, keeping what follows only if the log agrees with it', async () => {
    const { storage, restart } = await kind.open()
    const data = new Uint8Array([1, 2, 3])
    await storage.save({ entries: run(1, 6, 1) })
    await storage.save({ snapshot: { index: 3, term: 1, members: ['a', 'b'], data } })
    let loaded = await (await restart()).load()
    expect(loaded.snapshot).toEqual({ index: 3, term: 1, members: ['a', 'b'], data })
    expect(ids(loaded.entries)).toEqual(['4@1', '5@1', '6@1'])

    const s2 = await restart()
    // a snapshot whose last entry the log has with another term: the whole log goes
    await s2.save({ snapshot: { index: 5, term: 2, members: ['a'], data } })
    expect((await s2.load()).entries).toEqual([])
    // entries at or below the snapshot are not kept; the log goes on after it
    await s2.save({ entries: run(4, 7, 2), hardState: { term: 2, commit: 6 } })
    loaded = await (await restart()).load()
    expect(loaded.snapshot?.index).toBe(5)
    expect(ids(loaded.entries)).toEqual(['6@2', '7@2'])

    const s3 = await restart()
    // a snapshot beyond the log, as a follower that was away receives one
    await s3.save({ snapshot: { index: 20, term: 3, members: ['a'], data }, entries: [entry(21, 3)] })
    loaded = await (await restart()).load()
    expect(loaded.snapshot?.index).toBe(20)
    expect(ids(loaded.entries)).toEqual(['21@3'])
    await (await restart()).close()
  })

  it('drops the whole log for a snapshot from the leader, though the log agrees with it', async () => {
    const { storage, restart } = await kind.open()
    const data = new Uint8Array([4])
    await storage.save({ entries: run(1, 6, 1) })
    await storage.save({ snapshot: { index: 3, term: 1, members: ['a'], data }, replacesLog: true })
    const loaded = await (await restart()).load()
    expect(loaded.snapshot?.index).toBe(3)
    expect(loaded.entries).toEqual([])
    await (await restart()).close()
  })

  it('drops a compacted prefix for good', async () => {
    const { storage, restart } = await kind.open()
    await storage.save({ entries: run(1, 5, 1) })
    await storage.compact(2)
    expect(ids((await storage.load()).entries)).toEqual(['3@1', '4@1', '5@1'])
    await storage.compact(9)
    const again = await restart()
    expect((await again.load()).entries).toEqual([])
    await again.save({ entries: [entry(6, 1)] })
    expect(ids((await again.load()).entries)).toEqual(['6@1'])
    await again.close()
  })

  it('keeps entries after a snapshot older than a compaction, once reloaded', async () => {
    const { storage, restart } = await kind.open()
    const data = new Uint8Array([1])
    await storage.save({ snapshot: { index: 1, term: 1, members: ['a'], data }, entries: run(1, 2, 1) })
    await storage.compact(2)
    await storage.save({ snapshot: { index: 1, term: 1, members: ['a'], data } })
    expect((await storage.load()).entries).toEqual([])
    await storage.save({ entries: run(1, 2, 1) })
    expect(ids((await storage.load()).entries)).toEqual(['2@1'])
    const again = await restart()
    expect(ids((await again.load()).entries)).toEqual(['2@1'])
    await again.close()
  })

  it('behaves like the reference on random updates', async () => {
    const update: fc.Arbitrary<StorageUpdate & { compact?: number }> = fc.record({
      from: fc.integer({ min: 1, max: 12 }),
      count: fc.integer({ min: 0, max: 4 }),
      term: fc.integer({ min: 1, max: 4 }),
      snapshot: fc.option(fc.record({ index: fc.integer({ min: 1, max: 14 }), term: fc.integer({ min: 1, max: 4 }) }), { nil: undefined }),
      commit: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
      compact: fc.option(fc.integer({ min: 0, max: 14 }), { nil: undefined })
    }).map(u => ({
      entries: run(u.from, u.from + u.count - 1, u.term),
      snapshot: u.snapshot == null ? undefined : { ...u.snapshot, members: ['a'], data: new Uint8Array([u.snapshot.index]) },
      hardState: u.commit == null ? undefined : { term: u.term, commit: u.commit },
      compact: u.compact
    }))
    await fc.assert(fc.asyncProperty(fc.array(update, { maxLength: 12 }), async updates => {
      const reference = memoryStorage()
      const { storage, restart } = await kind.open()
      for (const { compact, ...u } of updates) {
        const expected = await reference.save(u).then(() => 'ok', (err: Error) => err.name)
        expect(await storage.save(u).then(() => 'ok', (err: Error) => err.name)).toBe(expected)
        if (compact != null) {
          await reference.compact(compact)
          await storage.compact(compact)
        }
        expect(await storage.load()).toEqual(await reference.load())
      }
      const again = await restart()
      expect(await again.load()).toEqual(await reference.load())
      await again.close()
    }), { numRuns: kind.name === 'level' ? 40 : 300 })
  })
})

describe('level raft storage', () => {
  it('rejects with a StorageError when LevelDB fails', async () => {
    const path = dir()
    const storage = await levelStorage(path)
    // LevelDB's lock: a second member on the same folder
    await expect(levelStorage(path)).rejects.toHaveProperty('name', 'StorageError')
    await storage.save({ entries: run(1, 2, 1) })
    await storage.close()
    await expect(storage.save({ entries: run(3, 3, 1) })).rejects.toHaveProperty('name', 'StorageError')
    await expect(storage.load()).rejects.toHaveProperty('name', 'StorageError')
    const again = await levelStorage(path)
    expect(ids((await again.load()).entries)).toEqual(['1@1', '2@1'])
    await again.close()
  })

  it('has an update on disk once save resolved, though the process is killed right after', async () => {
    const path = dir()
    const module = new URL('../../node/raft-storage.ts', import.meta.url).href
    const script = `
      const { levelStorage } = await import(${JSON.stringify(module)})
      const storage = await levelStorage(${JSON.stringify(path)})
      const data = new Uint8Array(1000)
      for (let i = 1; i <= 200; i++) {
        await storage.save({ entries: [{ index: i, term: 1, type: 'normal', data }], hardState: { term: 1, commit: i } })
        process.stdout.write(i + '\\n')
      }
      setInterval(() => {}, 1000)
    `
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let acknowledged = 0
    await new Promise<void>(resolve => {
      child.stdout.on('data', (d: Buffer) => {
        const lines = d.toString().trim().split('\n')
        acknowledged = Number(lines[lines.length - 1])
        if (acknowledged >= 50) { child.kill('SIGKILL'); resolve() }
      })
    })
    await new Promise(resolve => child.once('exit', resolve))
    const storage = await levelStorage(path)
    const loaded = await storage.load()
    expect(loaded.entries.length).toBeGreaterThanOrEqual(acknowledged)
    expect(loaded.hardState.commit).toBe(loaded.entries.length)
    await storage.close()
  })
})
