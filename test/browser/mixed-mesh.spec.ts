/**
 * A mixed mesh: a Node worker started with `meshwork worker` and a browser
 * tab serve the same service; a tab and the `meshwork request` command
 * each reach both kinds of worker. A tab's task to the Node worker travels
 * on a direct WebRTC link between them, not through the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TASK_PROTOCOL } from '../../src/constants.ts'
import { generate } from '../../src/models/demo-llm.ts'
import { answer, ask, buildAndServeDemo, connectionsTo, launchChromium, linkTo, openTab, runCli, runCliToEnd, seesWorker } from './helpers.ts'
import type { CliProcess, DemoSite, Tab } from './helpers.ts'
import type { Browser } from 'playwright-core'

const TOKENS = 24

describe('Node and browser workers in one mesh', () => {
  let relay: CliProcess
  let worker: CliProcess
  let site: DemoSite
  let browser: Browser
  let asker: Tab
  let server: Tab
  let bootstrap: string

  const served = async (): Promise<number> => Number(await server.page.getByTestId('served-count').textContent())

  beforeAll(async () => {
    relay = await runCli(['relay'])
    bootstrap = relay.lines.find(a => !a.includes('/ws')) ?? ''
    worker = await runCli(['worker', '--bootstrap', bootstrap, '--service', 'demo-llm', '--handler', 'demo-llm', '--token-delay-ms', '5'])
    site = await buildAndServeDemo(relay.lines)
    browser = await launchChromium()
    asker = await openTab(browser, site.url)
    server = await openTab(browser, site.url)
    await server.page.getByTestId('serve-toggle').check()
    await seesWorker(asker, server.peerId)
    await seesWorker(asker, worker.peerId)
  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await worker?.stop()
    await relay?.stop()
  })

  it('a tab gets answers from the Node worker (over direct WebRTC) and from the browser worker', async () => {
    const toNode = 'a question for a node'
    await ask(asker, toNode, TOKENS, worker.peerId)
    const fromNode = await answer(asker)
    expect(fromNode, fromNode.shown).toMatchObject({ state: 'done', worker: worker.peerId })
    expect(fromNode.text).toBe(generate(toNode, TOKENS).join(''))
    expect(fromNode.shown).toContain('(node)')
    // node to tab: the task rode a direct WebRTC connection, not the relayed one
    await expect.poll(async () => linkTo(asker, worker.peerId), { timeout: 20_000 }).toBe('webrtc')
    const carrying = (await connectionsTo(asker, worker.peerId)).filter(l => l.protocols.includes(TASK_PROTOCOL))
    expect(carrying).toHaveLength(1)
    expect(carrying[0].limited).toBe(false)
    expect(carrying[0].addr).toMatch(/\/webrtc(\/|$)/)

    const toTab = 'a question for a tab'
    await ask(asker, toTab, TOKENS, server.peerId)
    const fromTab = await answer(asker)
    expect(fromTab, fromTab.shown).toMatchObject({ state: 'done', worker: server.peerId })
    expect(fromTab.text).toBe(generate(toTab, TOKENS).join(''))
    expect(fromTab.shown).toContain('(tab)')
  }, 60_000)

  it('the command line gets answers from the browser worker and from the Node worker', async () => {
    const before = await served()
    const toTab = 'the command line asks a tab'
    const input = (prompt: string): string => JSON.stringify({ prompt, maxTokens: TOKENS })

    const viaTab = await runCliToEnd(['request', '--bootstrap', bootstrap, 'demo-llm', input(toTab), '--stream', '--peer', server.peerId])
    expect(viaTab, viaTab.stderr).toMatchObject({ code: 0 })
    expect(viaTab.stdout).toBe(`${generate(toTab, TOKENS).join('')}\n`)
    // the tab counts what it answered: this one was its own
    await expect.poll(served).toBe(before + 1)

    const toNode = 'the command line asks a node'
    const viaNode = await runCliToEnd(['request', '--bootstrap', bootstrap, 'demo-llm', input(toNode), '--stream', '--peer', worker.peerId])
    expect(viaNode, viaNode.stderr).toMatchObject({ code: 0 })
    expect(viaNode.stdout).toBe(`${generate(toNode, TOKENS).join('')}\n`)
    // the only other worker is the Node one; the tab did not answer this time
    expect(await served()).toBe(before + 1)
  }, 60_000)
})
