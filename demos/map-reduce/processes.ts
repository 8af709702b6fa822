/**
 * The demo's mesh: a `meshwork relay` and N `meshwork worker` processes
 * serving the map handler module, each up once it printed its peer id.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

const MESHWORK = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))
const START_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000

export interface DemoMesh {
  /** The relay's TCP multiaddr */
  bootstrap: string
  stop(): Promise<void>
}

/** Runs `meshwork ARGS`; resolves with the lines it printed up to `peer <id>`. */
async function meshwork (args: string[], children: ChildProcess[]): Promise<string[]> {
  const child = spawn(process.execPath, [MESHWORK, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const lines: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`meshwork ${args[0]} did not start`)) }, START_TIMEOUT_MS)
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`meshwork ${args[0]} exited with ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      lines.push(line)
      if (line.startsWith('peer ')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve(lines)
      }
    })
  })
}

async function stopAll (children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map(async child => {
    if (child.exitCode != null || child.signalCode != null) {
      return
    }
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }))
}

export async function startMesh (init: { workers: number, service: string, handler: string }): Promise<DemoMesh> {
  const children: ChildProcess[] = []
  try {
    const relayLines = await meshwork(['relay'], children)
    const bootstrap = relayLines.find(l => l.startsWith('/') && l.includes('/tcp/') && !l.includes('/ws'))
    if (bootstrap == null) {
      throw new Error('the relay printed no TCP address')
    }
    await Promise.all(Array.from({ length: init.workers }, async () =>
      meshwork(['worker', '--bootstrap', bootstrap, '--service', init.service, '--handler', init.handler, '--concurrency', '4'], children)))
    return { bootstrap, stop: async () => { await stopAll(children) } }
  } catch (err) {
    await stopAll(children)
    throw err
  }
}
