/**
 * `npm run demo:map-reduce -- [--workers N] [--limit K] [--concurrency C] [--json]`
 *
 * Word counts of "Moby-Dick" as a map-reduce job on a mesh of real worker
 * processes: a relay and N `meshwork worker` processes serving the
 * `wordcount` handler (count.ts) start; this process joins as a requester,
 * maps the book's chapters (or the first K) over the workers with a
 * progress bar, reduces the counts as they arrive, and checks the result
 * against the same counts made in this one process.
 */
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { createMeshNode } from 'meshwork/node'
import { loadCorpus } from './corpus.ts'
import { progressBar } from './progress.ts'
import { startMesh } from './processes.ts'
import { countWords, emptyCounts, mergeCounts, sameCounts, topWords } from './words.ts'
import type { WordCounts } from './words.ts'

const SERVICE = 'wordcount'
const HANDLER = fileURLToPath(new URL('./count.ts', import.meta.url))
const TOP = 10
/** Long words are where the book's subject shows */
const LONG_WORD_LETTERS = 5

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    limit: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false }
  }
})
const workers = Number(values.workers)
const concurrency = Number(values.concurrency)
if (!Number.isInteger(workers) || workers < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('--workers and --concurrency are positive integers')
  process.exit(2)
}
const corpus = loadCorpus().slice(0, values.limit != null ? Number(values.limit) : undefined)
const say = (line: string): void => { if (!values.json) console.log(line) }

const mesh = await startMesh({ workers, service: SERVICE, handler: HANDLER })
const node = await createMeshNode({ bootstrap: [mesh.bootstrap], webrtc: false })
try {
  await node.waitForWorkers(SERVICE, workers, { timeoutMs: 30_000 })
  say(`${workers} workers up; mapping ${corpus.length} chapters of Moby-Dick (${(corpus.reduce((n, c) => n + c.text.length, 0) / 1e6).toFixed(2)} million characters)`)
  const startedAt = Date.now()
  const job = node.map<WordCounts>(SERVICE, corpus.map(c => ({ chapter: c.chapter, text: c.text })), { concurrency })
  const bar = values.json ? undefined : progressBar(process.stderr)
  const reduced = emptyCounts()
  const byWorker = new Map<string, number>()
  for await (const { value, peerId } of job) {
    mergeCounts(reduced, value)
    byWorker.set(peerId, (byWorker.get(peerId) ?? 0) + 1)
    bar?.update(job.progress, byWorker.size)
  }
  bar?.done()
  const meshMs = Date.now() - startedAt

  const localStart = Date.now()
  const local = corpus.reduce((into, c) => mergeCounts(into, countWords(c.text)), emptyCounts())
  const localMs = Date.now() - localStart
  const matches = sameCounts(reduced, local)

  const long = { total: reduced.total, counts: Object.fromEntries(Object.entries(reduced.counts).filter(([w]) => w.length >= LONG_WORD_LETTERS)) }
  if (values.json) {
    console.log(JSON.stringify({ chapters: corpus.length, words: reduced.total, distinct: Object.keys(reduced.counts).length, matches, meshMs, localMs, tasksByWorker: [...byWorker.values()], speculated: job.progress.speculated, top: topWords(reduced, TOP) }))
  } else {
    say(`\n${reduced.total.toLocaleString('en-US')} words, ${Object.keys(reduced.counts).length.toLocaleString('en-US')} distinct, in ${meshMs} ms on the mesh (${[...byWorker.values()].join(' + ')} chapters per worker; ${job.progress.speculated} backups)`)
    say(`top ${TOP}: ${topWords(reduced, TOP).map(([w, n]) => `${w} ${n}`).join(', ')}`)
    say(`top ${TOP} of ${LONG_WORD_LETTERS}+ letters: ${topWords(long, TOP).map(([w, n]) => `${w} ${n}`).join(', ')}`)
    say(`single-process run: ${localMs} ms; the mesh's counts ${matches ? 'match it word for word' : 'DIFFER from it'}`)
  }
  process.exitCode = matches ? 0 : 1
} finally {
  await node.stop()
  await mesh.stop()
}
