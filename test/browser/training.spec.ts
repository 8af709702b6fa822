/**
 * A browser tab trains with the Node trainers: `npm run demo:train --
 * --workers 2 --browser 1` run as a user runs it, a Chromium tab opened at
 * the URL it prints. The tab's peer id must be among the trainers of the
 * committed rounds, and the model must score as well as the same run with
 * the tab's shard on a third Node trainer (the round protocol run in this
 * process, test/compute/simulate.ts), within a point of the 1,000 test
 * digits.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { loadMnist, shard } from '../../demos/training/data.ts'
import { TRAINING_DEFAULTS } from '../../demos/training/hyperparameters.ts'
import { MNIST_SHAPE, accuracy } from '../../src/compute/mlp.ts'
import { parseModelJson } from '../../src/compute/model-json.ts'
import { simulate } from '../compute/simulate.ts'
import { ROOT, launchChromium } from './helpers.ts'
import type { Browser, Page } from 'playwright-core'

const DEMO = join(ROOT, 'demos/training/run.ts')
const RUN_TIMEOUT_MS = 120_000
/** How long the demo has to stop its trainers once told to (SIGTERM) before it is killed. */
const STOP_GRACE_MS = 10_000
const ROUNDS = 3
const SEED = 1
/** A point of the test set: what the summation order of the deltas (names sort differently) may cost at most. */
const TOLERANCE = 0.01

describe('demo: a browser tab trains with the Node trainers', () => {
  let dir: string | undefined
  let browser: Browser | undefined

  afterAll(async () => {
    await browser?.close()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('the tab is a trainer of the committed rounds, and the model scores like an all-Node run', async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshwork-train-tab-'))
    const child = spawn(process.execPath, [DEMO, '--workers', '2', '--browser', '1', '--rounds', String(ROUNDS), '--seed', String(SEED), '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stderr.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-8_000) })
    const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
    // SIGTERM lets the demo stop its trainers; SIGKILL would leave them running
    const stop = async (): Promise<void> => {
      if (child.exitCode != null || child.signalCode != null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    }
    const killer = setTimeout(() => { void stop() }, RUN_TIMEOUT_MS)
    const printedUrl = new Promise<string>((resolve, reject) => {
      child.once('exit', code => { reject(new Error(`the demo exited with ${code} before it printed a URL: ${output}`)) })
      createInterface({ input: child.stdout }).on('line', line => {
        output = (output + line + '\n').slice(-8_000)
        const match = /^open (http\S+) in a browser/.exec(line)
        if (match != null) resolve(match[1])
      })
    })
    printedUrl.catch(() => {})
    let page: Page | undefined
    let split: ReturnType<typeof loadMnist>
    let bar: number
    try {
      // while the demo starts: the browser, and the bar the model must reach
      browser = await launchChromium()
      page = await browser.newPage()
      split = loadMnist()
      const allNode = simulate({ settings: { ...TRAINING_DEFAULTS, rounds: ROUNDS, seed: SEED }, shards: shard(split.train, 3, SEED), workers: 3 })
      bar = accuracy(MNIST_SHAPE, allNode.params, split.test) - TOLERANCE
      const url = await printedUrl
      page.on('pageerror', err => { process.stderr.write(`[tab] page error: ${err.message}\n`) })
      await page.goto(url)
      expect(await exited, output).toBe(0)
    } finally {
      clearTimeout(killer)
      await stop()
    }

    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))
    const tabPeerId = await page.getByTestId('peer-id').getAttribute('data-peer')
    expect(tabPeerId).toMatch(/^12D3Koo/)
    expect(report.browsers).toEqual([tabPeerId])
    // the trainers of each committed round, by peer id: the tab's is among them
    const includedPeers = (report.included as string[][]).map(names => names.map(n => report.peers[n]))
    expect(includedPeers.filter(ids => ids.includes(tabPeerId)).length).toBeGreaterThanOrEqual(1)
    // the tab counted its deltas the coordinator accepted
    expect(Number(await page.getByTestId('rounds-trained').getAttribute('data-count'))).toBeGreaterThanOrEqual(1)

    // what the report claims, checked on the model file; the bar is the all-Node run
    const { shape, params } = parseModelJson(await readFile(join(dir, 'model.json'), 'utf8'))
    expect(accuracy(shape, params, split.test)).toBe(report.accuracy)
    expect(report.accuracy).toBeGreaterThanOrEqual(bar)
  }, RUN_TIMEOUT_MS + STOP_GRACE_MS + 30_000)
})
