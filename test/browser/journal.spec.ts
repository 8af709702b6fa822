/**
 * The IndexedDB journal in the chat demo: a tab reloaded in the middle of
 * an answer asks again after the reload and shows the whole answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../src/models/demo-llm.ts'
import { answer, ask, buildAndServeDemo, launchChromium, openTab, runCli, seesWorker } from './helpers.ts'
import type { CliProcess, DemoSite, Tab } from './helpers.ts'
import type { Browser } from 'playwright-core'

describe('a tab with an IndexedDB journal', () => {
  let relay: CliProcess
  let site: DemoSite
  let browser: Browser
  let asker: Tab
  let server: Tab

  beforeAll(async () => {
    relay = await runCli(['relay'])
    site = await buildAndServeDemo(relay.lines)
    browser = await launchChromium()
    asker = await openTab(browser, site.url)
    server = await openTab(browser, site.url)
    await server.page.getByTestId('serve-toggle').check()
    await seesWorker(asker, server.peerId)
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await relay?.stop()
  })

  it('asks again after a reload mid-answer and shows the whole answer', async () => {
    const prompt = 'what survives a reload'
    const maxTokens = 300
    await ask(asker, prompt, maxTokens)
    await expect.poll(async () => (await asker.page.getByTestId('output').textContent() ?? '').split(' ').length, { timeout: 20_000 }).toBeGreaterThan(20)
    expect(await asker.page.getByTestId('output').getAttribute('data-state')).toBe('streaming')

    await asker.page.reload()
    await asker.page.locator('[data-testid="status"][data-state="joined"]').waitFor({ timeout: 30_000 })
    const result = await answer(asker, 60_000)
    expect(result, result.shown).toMatchObject({ state: 'done', worker: server.peerId })
    expect(result.text).toBe(generate(prompt, maxTokens).join(''))
    expect(await asker.page.getByTestId('prompt').inputValue()).toBe(prompt)
  }, 90_000)
})
