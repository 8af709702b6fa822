/**
 * Runs `meshwork worker` as a child process and waits for its `peer <id>`
 * line. Used by `meshwork start`.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

// bin.ts in a checkout, bin.js once compiled
const BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './bin.ts' : './bin.js', import.meta.url))

export interface WorkerProcess {
  child: ChildProcess
  peerId: string
  /** Where it serves its metrics, when started with --metrics-port */
  metricsUrl?: string
}

export async function spawnWorker (args: string[], timeoutMs = 30_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`worker did not start within ${timeoutMs} ms`))
    }, timeoutMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`worker exited with code ${code} before it was up`))
    })
    let metricsUrl: string | undefined
    lines.on('line', (line) => {
      metricsUrl ??= /^metrics (\S+)$/.exec(line)?.[1]
      const match = /^peer (\S+)$/.exec(line)
      if (match != null) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve({ child, peerId: match[1], metricsUrl })
      }
    })
  })
}
