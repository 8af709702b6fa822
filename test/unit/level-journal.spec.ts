/**
 * The LevelDB journal's synchronous log: what a crash leaves behind is
 * replayed on open, a cut-short last line is ignored, and the log stays
 * bounded.
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { levelJournal } from '../../node/journal.ts'
import type { JournalRecord } from '../../src/journal/journal.ts'

const record = (id: string, createdAt = Date.now()): JournalRecord => ({
  id, service: 's', input: { data: new TextEncoder().encode(`"${id}"`), codec: 0 }, streaming: false, createdAt, deadline: createdAt + 60_000, maxAttempts: 3
})

describe('levelJournal', () => {
  const dirs: string[] = []
  const dir = (): string => { const d = mkdtempSync(join(tmpdir(), 'meshwork-journal-')); dirs.push(d); return d }
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

  it('holds a task once add() returned and forgets it once remove() returned, without waiting for LevelDB', async () => {
    const path = dir()
    const journal = await levelJournal(path)
    void journal.add(record('a', 1))
    void journal.add(record('b', 2))
    void journal.remove('a')
    // what a SIGKILL right now would leave: the log, whatever LevelDB got
    const log = readFileSync(join(path, 'meshwork-log'), 'utf8')
    expect(log.split('\n').filter(Boolean).map(l => l[0])).toEqual(['+', '+', '-'])
    expect((await journal.pending()).map(r => r.id)).toEqual(['b'])
    await journal.close()
  })

  it('replays a log a crash left: forgotten tasks stay forgotten, the worker note survives', async () => {
    const path = dir()
    const first = await levelJournal(path)
    await first.add(record('a', 1))
    await first.add(record('b', 2))
    await first.assign!('b', 'worker-1')
    await first.remove('a')
    await new Promise(resolve => setTimeout(resolve, 50))
    // a crash: the log is not cleared, and ends in a line cut short
    const log = readFileSync(join(path, 'meshwork-log'), 'utf8')
    await first.close()
    appendFileSync(join(path, 'meshwork-log'), `${log}-b`)
    const second = await levelJournal(path)
    const pending = await second.pending()
    expect(pending.map(r => [r.id, r.worker])).toEqual([['b', 'worker-1']])
    await second.close()
  })

  it('keeps the worker noted just before the process was killed', async () => {
    const path = dir()
    // a requester that dispatches a recorded task and is killed in the same turn
    const script = `
      import { levelJournal } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../node/journal.ts')).href)}
      const first = await levelJournal(${JSON.stringify(path)})
      await first.add({ id: 'a', service: 's', input: { data: new Uint8Array([1]), codec: 0 }, streaming: false, createdAt: 1, deadline: Date.now() + 60_000, maxAttempts: 3 })
      // the record itself is in LevelDB
      await first.close()
      const journal = await levelJournal(${JSON.stringify(path)})
      void journal.assign('a', 'worker-1')
      process.kill(process.pid, 'SIGKILL')
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(child.signal, child.stderr).toBe('SIGKILL')
    const journal = await levelJournal(path)
    expect((await journal.pending()).map(r => [r.id, r.worker])).toEqual([['a', 'worker-1']])
    await journal.close()
  })

  it('keeps its log bounded', async () => {
    const path = dir()
    const journal = await levelJournal(path)
    for (let i = 0; i < 25_000; i++) {
      await journal.add(record(`t${i}`, i))
      await journal.remove(`t${i}`)
      if (i % 1000 === 0) await new Promise(resolve => setImmediate(resolve))
    }
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(await journal.pending()).toEqual([])
    // 10,000 lines of about 10 bytes, not 50,000
    expect(statSync(join(path, 'meshwork-log')).size).toBeLessThan(400_000)
    await journal.close()
  })

  it('keeps job records through a kill: puts and clears replayed in order', async () => {
    const path = dir()
    const script = `
      import { levelJournal } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../node/journal.ts')).href)}
      const journal = await levelJournal(${JSON.stringify(path)})
      void journal.jobs.put('a/job', new Uint8Array([1]))
      void journal.jobs.put('a/r/0', new Uint8Array([2]))
      void journal.jobs.put('b/job', new Uint8Array([3]))
      void journal.jobs.clear('b/')
      void journal.jobs.put('b/job', new Uint8Array([4]))
      process.kill(process.pid, 'SIGKILL')
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(child.signal, child.stderr).toBe('SIGKILL')
    const journal = await levelJournal(path)
    const entries = async (prefix: string): Promise<Array<[string, number[]]>> => (await journal.jobs!.list(prefix)).map(e => [e.key, [...e.value]])
    expect(await entries('a/')).toEqual([['a/job', [1]], ['a/r/0', [2]]])
    expect(await entries('b/')).toEqual([['b/job', [4]]])
    await journal.jobs!.clear('a/')
    expect(await entries('')).toEqual([['b/job', [4]]])
    await journal.close()
  })
})
