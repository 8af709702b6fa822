/**
 * The chat demo in Debian's Chromium: a relay on loopback (the `meshwork
 * relay` command) and three tabs. Tab A asks, tab B serves over a direct
 * WebRTC link; then B closes mid-answer and tab C finishes it, and A's
 * task timeline shows the bar moving from B's row to C's (a screenshot of
 * it is saved in test-artifacts/).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../src/models/demo-llm.ts'
import { answer, ask, buildAndServeDemo, connectionsTo, launchChromium, linkTo, openTab, ROOT, runCli, seesWorker } from './helpers.ts'
import type { CliProcess, DemoSite, Tab } from './helpers.ts'
import type { Browser } from 'playwright-core'

const ARTIFACTS = join(ROOT, 'test-artifacts')

describe('browser tabs as peers', () => {
  let relay: CliProcess
  let site: DemoSite
  let browser: Browser
  let a: Tab
  let b: Tab
  let c: Tab

  beforeAll(async () => {
    relay = await runCli(['relay'])
    site = await buildAndServeDemo(relay.lines)
    browser = await launchChromium()
    a = await openTab(browser, site.url)
    b = await openTab(browser, site.url)
    c = await openTab(browser, site.url)
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await relay?.stop()
  })

  it('streams the whole answer from tab B to tab A over a direct WebRTC link', async () => {
    await b.page.getByTestId('serve-toggle').check()
    await seesWorker(a, b.peerId)
    // asked once the direct link is up: a task channel opened over the relay
    // before the WebRTC link exists can stay on the relay (a known race)
    await expect.poll(async () => linkTo(a, b.peerId), { timeout: 20_000 }).toBe('webrtc')

    const prompt = 'how do tabs talk to each other'
    await ask(a, prompt, 48)
    const result = await answer(a)

    expect(result, result.shown).toMatchObject({ state: 'done' })
    expect(result.text).toBe(generate(prompt, 48).join(''))
    expect(result.worker).toBe(b.peerId)
    expect(result.from).toBe('')
    expect(await b.page.getByTestId('served-count').textContent()).toBe('1')

    // the mesh view marks the link as direct WebRTC on both sides...
    await expect.poll(async () => linkTo(a, b.peerId), { timeout: 20_000 }).toBe('webrtc')
    await expect.poll(async () => linkTo(b, a.peerId), { timeout: 20_000 }).toBe('webrtc')
    await expect.poll(async () => a.page.locator(`[data-testid="mesh-view"] line[data-target="${b.peerId}"]`).getAttribute('data-kind')).toBe('webrtc')
    // ...and the connection that carried the task is that link, not the relay
    const links = await connectionsTo(a, b.peerId)
    const carrying = links.filter(l => l.protocols.includes('/meshwork/task/1.0.0'))
    expect(carrying).toHaveLength(1)
    expect(carrying[0].limited).toBe(false)
    expect(carrying[0].addr).toMatch(/\/webrtc(\/|$)/)
  }, 90_000)

  it('finishes the answer on tab C when tab B closes mid-stream, without a lost or repeated token', async () => {
    await c.page.getByTestId('serve-toggle').check()
    await seesWorker(a, c.peerId)
    await seesWorker(a, b.peerId)

    const prompt = 'what happens when a worker goes away'
    const maxTokens = 400
    await ask(a, prompt, maxTokens, b.peerId)
    // B is streaming: some tokens are in, many are still to come
    await expect.poll(async () => (await a.page.getByTestId('output').textContent() ?? '').split(' ').length, { timeout: 20_000 }).toBeGreaterThan(20)
    expect(await a.page.getByTestId('answered-by').getAttribute('data-worker')).toBe(b.peerId)
    expect(await a.page.getByTestId('output').getAttribute('data-state')).toBe('streaming')
    // before the move: one bar, running on B's row of the timeline
    const timeline = a.page.getByTestId('timeline')
    const onB = timeline.locator(`g.row[data-peer="${b.peerId}"] rect.bar[data-state="running"]`)
    await expect.poll(async () => onB.count(), { timeout: 10_000 }).toBe(1)
    const task = await onB.getAttribute('data-task')
    await b.page.close()

    // during the failover: the bar stops on B's row, marked moved, and goes on in C's
    const moved = timeline.locator(`g.row[data-peer="${b.peerId}"] rect.bar[data-task="${task}"]`)
    const onC = timeline.locator(`g.row[data-peer="${c.peerId}"] rect.bar[data-task="${task}"]`)
    await expect.poll(async () => onC.count(), { timeout: 30_000 }).toBe(1)
    mkdirSync(ARTIFACTS, { recursive: true })
    await timeline.screenshot({ path: join(ARTIFACTS, 'browser-timeline-failover.png') })
    expect(await moved.getAttribute('data-state')).toBe('moved')
    expect(await onC.getAttribute('data-attempt')).toBe('2')
    await expect.poll(async () => timeline.locator(`line.move[data-task="${task}"][data-from="${b.peerId}"][data-to="${c.peerId}"]`).count()).toBe(1)
    // C's bar starts where B's stops, on a row of its own (read at once: the timeline redraws)
    const [bBar, cBar] = await timeline.evaluate((root, id) => [...root.querySelectorAll(`rect.bar[data-task="${id}"]`)]
      .map(r => ({ x: Number(r.getAttribute('x')), y: Number(r.getAttribute('y')), width: Number(r.getAttribute('width')), attempt: r.getAttribute('data-attempt') })), task)
    expect([bBar.attempt, cBar.attempt]).toEqual(['1', '2'])
    expect(cBar.y).not.toBe(bBar.y)
    expect(Math.abs(cBar.x - (bBar.x + bBar.width))).toBeLessThan(4)

    const result = await answer(a, 60_000)
    expect(result, result.shown).toMatchObject({ state: 'done' })
    expect(result.text).toBe(generate(prompt, maxTokens).join(''))
    expect(result.worker).toBe(c.peerId)
    expect(result.from).toBe(b.peerId)
    expect(await a.page.getByTestId('answered-by').textContent()).toContain('rerouted')
    expect(await c.page.getByTestId('served-count').textContent()).toBe('1')
    // done on C; C's row shows what it streamed to this tab
    await expect.poll(async () => onC.getAttribute('data-state')).toBe('done')
    expect(Number(await timeline.locator(`g.row[data-peer="${c.peerId}"] [data-testid="timeline-throughput"]`).getAttribute('data-tokens-per-second'))).toBeGreaterThan(0)

    await a.page.screenshot({ path: join(ARTIFACTS, 'browser-chat-mesh.png'), fullPage: true })
  }, 90_000)
})
