/**
 * Fixtures for browser tests: the demo built (once per state of its
 * sources: demo-build.ts), a relay and workers started through the
 * `meshwork` command as child processes, the demo served by
 * node/demo-server.ts, and Debian's Chromium driven by playwright-core.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { serveDemo } from '../../node/demo-server.ts'
import { builtDemo } from './demo-build.ts'
import type { DemoServer } from '../../node/demo-server.ts'
import type { ChildProcess } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(ROOT, 'node/cli/bin.ts')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

export interface CliProcess {
  child: ChildProcess
  peerId: string
  /** Lines printed before `peer <id>` (a relay's multiaddrs) */
  lines: string[]
  stop(): Promise<void>
}

/** Runs `meshwork <args>` and resolves once it printed `peer <id>`. */
export async function runCli (args: string[], timeoutMs = 30_000): Promise<CliProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4_000) })
  const lines: string[] = []
  const reader = createInterface({ input: child.stdout! })
  const stop = async (): Promise<void> => {
    if (child.exitCode != null || child.signalCode != null) {
      return
    }
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 5_000)
    await exited
    clearTimeout(timer)
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`meshwork ${args[0]} did not start within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`meshwork ${args[0]} exited with ${code}: ${stderr}`))
    })
    reader.on('line', (line) => {
      const match = /^peer (\S+)$/.exec(line)
      if (match == null) {
        lines.push(line)
        return
      }
      clearTimeout(timer)
      child.removeAllListeners('exit')
      reader.removeAllListeners('line')
      resolve({ child, peerId: match[1], lines, stop })
    })
  })
}

/** Runs a `meshwork` command to its end; resolves with its output and exit code. */
export async function runCliToEnd (args: string[], timeoutMs = 60_000): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (b: Buffer) => { stdout += b.toString() })
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

export interface DemoSite {
  server: DemoServer
  url: string
  close(): Promise<void>
}

/** Serves the demo, built from the current sources, with the relay's addresses. */
export async function buildAndServeDemo (relayAddrs: string[]): Promise<DemoSite> {
  const server = await serveDemo({ port: 0, relayAddrs, dir: await builtDemo() })
  return {
    server,
    url: server.url,
    close: async () => { await server.close() }
  }
}

export async function launchChromium (): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
}

/** A tab of the demo, joined to the mesh. */
export interface Tab {
  page: Page
  peerId: string
}

export async function openTab (browser: Browser, url: string): Promise<Tab> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  page.on('pageerror', err => { process.stderr.write(`[tab] page error: ${err.message}\n`) })
  await page.goto(url)
  await page.locator('[data-testid="status"][data-state="joined"]').waitFor({ timeout: 30_000 })
  const peerId = await page.getByTestId('peer-id').getAttribute('data-peer')
  if (peerId == null) {
    throw new Error('the tab shows no peer id')
  }
  return { page, peerId }
}

/** The link kind the tab's peer table shows for a peer (`none` when not connected). */
export async function linkTo (tab: Tab, peerId: string): Promise<string | null> {
  return tab.page.locator(`[data-testid="peer-row"][data-peer="${peerId}"]`).getAttribute('data-link', { timeout: 1_000 }).catch(() => null)
}

/** What the page's mesh node reports of its connections to a peer, and of the task streams on them. */
export async function connectionsTo (tab: Tab, peerId: string): Promise<Array<{ addr: string, limited: boolean, protocols: string[] }>> {
  return tab.page.evaluate((id) => {
    const node = (globalThis as any).meshwork.node
    return node.libp2p.getConnections()
      .filter((c: any) => c.remotePeer.toString() === id && c.status === 'open')
      .map((c: any) => ({
        addr: c.remoteAddr.toString(),
        limited: c.limits != null,
        protocols: c.streams.map((s: any) => s.protocol ?? '')
      }))
  }, peerId)
}

/** Waits until `tab` lists `peerId` as a live worker of demo-llm. */
export async function seesWorker (tab: Tab, peerId: string): Promise<void> {
  await tab.page.locator(`[data-testid="target"] option[value="${peerId}"]`).waitFor({ state: 'attached', timeout: 20_000 })
}

export async function ask (tab: Tab, prompt: string, maxTokens: number, target = ''): Promise<void> {
  await tab.page.getByTestId('prompt').fill(prompt)
  await tab.page.getByTestId('max-tokens').fill(String(maxTokens))
  await tab.page.getByTestId('target').selectOption(target)
  await tab.page.getByTestId('send').click()
}

export interface Answer {
  state: string | null
  text: string
  /** The answered-by line as the page shows it (the error, when there is one) */
  shown: string
  worker: string | null
  from: string | null
}

export async function answer (tab: Tab, timeoutMs = 30_000): Promise<Answer> {
  const output = tab.page.getByTestId('output')
  await tab.page.locator('[data-testid="output"]:is([data-state="done"], [data-state="error"])').waitFor({ timeout: timeoutMs })
  const by = tab.page.getByTestId('answered-by')
  return {
    state: await output.getAttribute('data-state'),
    text: await output.textContent() ?? '',
    shown: await by.textContent() ?? '',
    worker: await by.getAttribute('data-worker'),
    from: await by.getAttribute('data-rerouted-from')
  }
}
