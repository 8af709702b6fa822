/**
 * Child processes of the `meshwork` command for process tests: a relay and
 * workers started exactly as a user would, killed with real signals.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

export const BIN = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))

export interface CliProcess {
  child: ChildProcess
  /** stdout lines so far */
  lines: string[]
  /** The `peer <id>` the command printed */
  peerId: string
  kill(signal?: NodeJS.Signals): void
  /** Resolves when the process has exited */
  exited: Promise<number | null>
}

/** Runs `meshwork <args>` and resolves once it printed `peer <id>`. */
export async function startCli (args: string[], timeoutMs = 30_000): Promise<CliProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<number | null>(resolve => { child.once('exit', code => { resolve(code) }) })
  const peerId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // nobody holds a child that never came up: it must not outlive the test
      child.kill('SIGKILL')
      reject(new Error(`meshwork ${args[0]} not up in ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    void exited.then(code => {
      clearTimeout(timer)
      reject(new Error(`meshwork ${args[0]} exited (${code}) before it was up: ${stderr}`))
    })
    createInterface({ input: child.stdout! }).on('line', line => {
      lines.push(line)
      const match = /^peer (\S+)$/.exec(line)
      if (match != null) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  return {
    child,
    lines,
    peerId,
    exited,
    kill: (signal = 'SIGTERM') => { if (child.exitCode == null && child.signalCode == null) child.kill(signal) }
  }
}

/** A relay on free ports; `tcp` is the address Node peers bootstrap from. */
export async function startRelay (): Promise<CliProcess & { tcp: string, ws: string }> {
  const relay = await startCli(['relay', '--port', '0'])
  const addrs = relay.lines.filter(l => l.startsWith('/'))
  return { ...relay, tcp: addrs.find(a => !a.includes('/ws'))!, ws: addrs.find(a => a.includes('/ws'))! }
}

/** A worker serving demo-llm and echo (or what `extra` says). */
export async function startWorker (bootstrap: string, extra: string[] = []): Promise<CliProcess> {
  const args = extra.length > 0
    ? extra
    : ['--service', 'demo-llm', '--handler', 'demo-llm', '--service', 'echo', '--handler', 'echo']
  return startCli(['worker', '--bootstrap', bootstrap, ...args])
}

/** Runs a short-lived `meshwork` command to completion (inside network namespace `netns` if given). */
export async function runCli (args: string[], timeoutMs = 30_000, netns?: string): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const argv = [...(netns != null ? ['ip', 'netns', 'exec', netns] : []), process.execPath, BIN, ...args]
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
  const code = await new Promise<number | null>(resolve => { child.once('exit', c => { resolve(c) }) })
  clearTimeout(timer)
  return { code, stdout, stderr }
}
