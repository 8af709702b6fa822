/**
 * The map-reduce demo, run small as a user runs it: a relay and two real
 * `meshwork worker` processes serving the word-count module, the first 20
 * chapters of Moby-Dick mapped over them. The demo's own check (the mesh's
 * counts against a single-process run) must pass, the work must be spread
 * over both workers, and the totals must agree with counts this test makes.
 * A worker given a handler module that does not exist refuses to start.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadCorpus } from '../../demos/map-reduce/corpus.ts'
import { countWords, emptyCounts, mergeCounts, topWords } from '../../demos/map-reduce/words.ts'

const DEMO = fileURLToPath(new URL('../../demos/map-reduce/run.ts', import.meta.url))
const CLI = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))
const CHAPTERS = 20

describe('demo: map-reduce', () => {
  it('counts the words of 20 chapters on two CLI workers, as one process does', () => {
    const run = spawnSync(process.execPath, [DEMO, '--workers', '2', '--limit', String(CHAPTERS), '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout.trim().split('\n').filter(l => l.startsWith('{')).pop()!)
    const expected = loadCorpus().slice(0, CHAPTERS).reduce((into, c) => mergeCounts(into, countWords(c.text)), emptyCounts())
    expect(report.matches).toBe(true)
    expect(report.chapters).toBe(CHAPTERS)
    expect(report.words).toBe(expected.total)
    expect(report.distinct).toBe(Object.keys(expected.counts).length)
    expect(report.top).toEqual(topWords(expected, 10))
    expect(report.tasksByWorker).toHaveLength(2)
    expect(report.tasksByWorker.reduce((a: number, b: number) => a + b, 0)).toBe(CHAPTERS)
  }, 150_000)

  it('a worker whose handler module cannot be loaded exits with a usage error', () => {
    const run = spawnSync(process.execPath, [CLI, 'worker', '--bootstrap', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWAdnVHbWZrBpmeeKhPW9RMyoBZTgBfYNN6xH9ZeRd4ohH', '--service', 'x', '--handler', './no-such-handler.js'], { encoding: 'utf8', timeout: 30_000 })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/no-such-handler\.js could not be loaded/)
  })
})
