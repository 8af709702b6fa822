/**
 * Runs `meshwork` commands as child processes for tests, the way a user
 * starts them, and stops them all afterwards.
 *
 * @example
 * ```ts
 * const procs = new Processes()
 * const relay = await procs.relay()
 * const worker = await procs.start('worker', ['--bootstrap', relay.addr, '--service', 'llm.chat'])
 * await procs.stop()
 * ```
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { stopChild } from '../helpers/stop-child.ts'
import type { ChildProcess } from 'node:child_process'

/** A gateway or worker process gets this long to exit on SIGTERM. */
const GATEWAY_STOP_GRACE_MS = 5_000

const BIN = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))

export interface Proc {
  child: ChildProcess
  peerId: string
  /** Lines printed on stdout so far */
  lines: string[]
}

export class Processes {
  private readonly all: Proc[] = []

  /** Starts `meshwork <command> ...args` and resolves once it printed `peer <id>` and `until`, if given. */
  async start (command: string, args: string[], until?: RegExp, timeoutMs = 30_000): Promise<Proc> {
    const child = spawn(process.execPath, [BIN, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const proc: Proc = { child, peerId: '', lines: [] }
    this.all.push(proc)
    let stderr = ''
    child.stderr!.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000) })
    const lines = createInterface({ input: child.stdout! })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`meshwork ${command} did not start within ${timeoutMs} ms: ${stderr}`)) }, timeoutMs)
      const onExit = (code: number | null): void => {
        clearTimeout(timer)
        reject(new Error(`meshwork ${command} exited with ${code}: ${stderr}`))
      }
      child.once('exit', onExit)
      lines.on('line', (line) => {
        proc.lines.push(line)
        const peer = /^peer (\S+)$/.exec(line)
        if (peer != null) {
          proc.peerId = peer[1]
        }
        if (proc.peerId !== '' && (until == null || proc.lines.some(l => until.test(l)))) {
          clearTimeout(timer)
          child.off('exit', onExit)
          resolve()
        }
      })
    })
    return proc
  }

  /** A relay; resolves with its TCP address. */
  async relay (): Promise<Proc & { addr: string }> {
    const proc = await this.start('relay', [])
    return { ...proc, addr: proc.lines[0] }
  }

  /** A gateway on a free port; resolves with its URL. */
  async gateway (bootstrap: string, args: string[] = [], timeoutMs?: number): Promise<Proc & { url: string }> {
    const proc = await this.start('gateway', ['--bootstrap', bootstrap, '--port', '0', ...args], /^gateway /, timeoutMs)
    const url = proc.lines.find(l => l.startsWith('gateway '))!.slice('gateway '.length)
    return { ...proc, url }
  }

  /** Stops every process started: SIGTERM, then SIGKILL for any still running after a while. */
  async stop (): Promise<void> {
    await Promise.all(this.all.map(async ({ child }) => { await stopChild(child, GATEWAY_STOP_GRACE_MS) }))
  }
}

/** Polls `check` until it resolves true; rejects after `timeoutMs`. */
export async function until (check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** Resolves once the gateway at `url` lists `model` with `workers` workers. */
export async function modelLive (url: string, model: string, workers: number, timeoutMs = 20_000): Promise<void> {
  await until(async () => {
    const res = await fetch(`${url}/v1/models`)
    const list = await res.json() as { data: Array<{ id: string, workers: number }> }
    return list.data.some(m => m.id === model && m.workers === workers)
  }, timeoutMs, `${model} on ${workers} workers at ${url}`)
}
