/**
 * Figures of browser peers, in Debian's Chromium on loopback, through a
 * `meshwork relay`:
 *
 * - page load to the first direct WebRTC link of a tab joining two others
 * - tab-to-tab request round trip (p50, p99) over that link
 * - tokens per second of a tab-to-tab stream (a handler yielding as fast as it can)
 * - bundle size of `meshwork/browser` (min+gzip)
 *
 * `node bench/browser-mesh.ts` prints a table; `--json` one JSON object.
 * Every loop is bounded in count; timings are noisy on a shared machine.
 */
import { measureBundles } from '../node/tools/bundle-size.ts'
import { buildAndServeDemo, launchChromium, linkTo, openTab, runCli } from '../test/browser/helpers.ts'
import type { Tab } from '../test/browser/helpers.ts'

const JOINS = 5
const WARMUP = 20
const REQUESTS = 300
const STREAMS = 3
const STREAM_TOKENS = 5_000

function quantile (sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

function median (values: number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5)
}

async function untilDirect (a: Tab, b: Tab): Promise<void> {
  const deadline = Date.now() + 30_000
  while ((await linkTo(a, b.peerId)) !== 'webrtc' || (await linkTo(b, a.peerId)) !== 'webrtc') {
    if (Date.now() > deadline) {
      throw new Error('no direct WebRTC link between the tabs within 30 s')
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const relay = await runCli(['relay'])
const site = await buildAndServeDemo(relay.lines)
const browser = await launchChromium()
try {
  const a = await openTab(browser, site.url)
  const b = await openTab(browser, site.url)
  await untilDirect(a, b)

  // a third tab joins the two, JOINS times: page load to its first WebRTC link
  const joinMs: number[] = []
  for (let i = 0; i < JOINS; i++) {
    const c = await openTab(browser, site.url)
    const ms = c.page.getByTestId('first-webrtc-ms')
    await c.page.locator('[data-testid="first-webrtc-ms"][data-ms]').waitFor({ timeout: 30_000 })
    joinMs.push(Number(await ms.getAttribute('data-ms')))
    await c.page.context().close()
  }

  await b.page.evaluate(() => {
    const node = (globalThis as any).meshwork.node
    node.serve('bench-echo', async (x: unknown) => x, { concurrency: 64 })
    node.serve('bench-tokens', async function * (n: number) {
      for (let i = 0; i < n; i++) {
        yield `t${i} `
      }
    })
  })
  const rtts: number[] = await a.page.evaluate(async ({ peer, warmup, requests }) => {
    const node = (globalThis as any).meshwork.node
    await node.waitForWorkers('bench-echo', 1, { timeoutMs: 20_000 })
    const out: number[] = []
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now()
      await node.request('bench-echo', { i, pad: 'x'.repeat(200) }, { preferPeer: peer })
      if (i >= warmup) {
        out.push(performance.now() - t0)
      }
    }
    return out
  }, { peer: b.peerId, warmup: WARMUP, requests: REQUESTS })
  rtts.sort((x, y) => x - y)

  const tokensPerSecond: number[] = []
  for (let i = 0; i < STREAMS; i++) {
    tokensPerSecond.push(await a.page.evaluate(async ({ peer, n }) => {
      const node = (globalThis as any).meshwork.node
      const t0 = performance.now()
      let count = 0
      for await (const _ of node.stream('bench-tokens', n, { preferPeer: peer })) {
        count++
      }
      if (count !== n) {
        throw new Error(`stream gave ${count} tokens of ${n}`)
      }
      return n / ((performance.now() - t0) / 1000)
    }, { peer: b.peerId, n: STREAM_TOKENS }))
  }

  const bundle = await measureBundles()
  const figures = {
    firstWebRtcLinkMs: { median: median(joinMs), samples: joinMs },
    tabToTabRequestMs: { p50: quantile(rtts, 0.5), p99: quantile(rtts, 0.99), requests: REQUESTS },
    tabToTabStreamTokensPerSecond: { median: median(tokensPerSecond), tokens: STREAM_TOKENS, samples: tokensPerSecond.map(Math.round) },
    bundle
  }
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(figures))
  } else {
    console.log('browser peers (Chromium, loopback, one relay):')
    console.log(`  page load to first WebRTC link   ${figures.firstWebRtcLinkMs.median} ms median of ${JOINS} (${joinMs.join(', ')})`)
    console.log(`  tab-to-tab request               p50 ${figures.tabToTabRequestMs.p50.toFixed(2)} ms, p99 ${figures.tabToTabRequestMs.p99.toFixed(2)} ms (${REQUESTS} sequential)`)
    console.log(`  tab-to-tab stream                ${Math.round(figures.tabToTabStreamTokensPerSecond.median)} tokens/s median of ${STREAMS} x ${STREAM_TOKENS}`)
    console.log(`  meshwork/browser bundle          ${(bundle.browserEntry.minBytes / 1024).toFixed(1)} KiB min, ${(bundle.browserEntry.gzipBytes / 1024).toFixed(1)} KiB gzip (libp2p alone ${(bundle.libp2pStack.gzipBytes / 1024).toFixed(1)} KiB gzip)`)
  }
} finally {
  await browser.close()
  await site.close()
  await relay.stop()
}
