/**
 * Child processes that speak in lines: each prints `peer <id>` once it is up,
 * then JSON events, one a line. A process may run inside a network namespace
 * (`ip netns exec`, which execs, so the pid is the Node process itself and
 * signals reach it directly).
 *
 * @example
 * ```ts
 * const worker = await spawnPeer(WORKER_SCRIPT, { bootstrap: [addr] })
 * worker.on(ev => { if (ev.ev === 'ran') ran++ })
 * worker.signal('SIGKILL')
 * ```
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

export const WORKER_SCRIPT = fileURLToPath(new URL('./peer-worker.ts', import.meta.url))
export const REQUESTER_SCRIPT = fileURLToPath(new URL('./peer-requester.ts', import.meta.url))
export const RELAY_SCRIPT = fileURLToPath(new URL('./peer-relay.ts', import.meta.url))

/** Stderr kept per process, for error messages. */
const MAX_STDERR_CHARS = 8_000
const DEFAULT_START_TIMEOUT_MS = 30_000

export type PeerEvent = Record<string, any> & { ev: string }

export interface PeerProcess {
  readonly child: ChildProcess
  readonly pid: number
  /** The `peer <id>` the process printed */
  readonly peerId: string
  /** Lines printed before `peer <id>` (a relay's addresses) */
  readonly banner: string[]
  /** Every JSON event so far, in order */
  readonly events: PeerEvent[]
  /** Calls `listener` for every later event */
  on(listener: (event: PeerEvent) => void): void
  /** Sends a signal unless the process already exited */
  signal(signal: NodeJS.Signals): void
  readonly exited: Promise<number | null>
  readonly alive: boolean
  stderr(): string
}

export interface SpawnOptions {
  /** Network namespace to run in */
  netns?: string
  /** Scheduling niceness (`nice -n`), for a process whose CPU should not count against the others */
  nice?: number
  timeoutMs?: number
  env?: Record<string, string>
}

/** Runs `node script <json args>` and resolves once it printed `peer <id>`. */
export async function spawnPeer (script: string, args: unknown, options: SpawnOptions = {}): Promise<PeerProcess> {
  // `ip netns exec` and `nice` exec the next command, so the pid stays the Node process's
  let argv = [process.execPath, script, JSON.stringify(args)]
  if (options.nice != null) {
    argv = ['nice', '-n', String(options.nice), ...argv]
  }
  if (options.netns != null) {
    argv = ['ip', 'netns', 'exec', options.netns, ...argv]
  }
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-MAX_STDERR_CHARS) })
  let exitCode: number | null | undefined
  const exited = new Promise<number | null>(resolve => {
    child.once('exit', code => {
      exitCode = code
      resolve(code)
    })
  })
  const events: PeerEvent[] = []
  const banner: string[] = []
  const listeners: Array<(event: PeerEvent) => void> = []
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS
  const peerId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${script} not up within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    void exited.then(code => {
      clearTimeout(timer)
      reject(new Error(`${script} exited (${code}) before it was up: ${stderr}`))
    })
    let up = false
    createInterface({ input: child.stdout! }).on('line', line => {
      if (!up) {
        const match = /^peer (\S+)$/.exec(line)
        if (match == null) {
          banner.push(line)
          return
        }
        up = true
        clearTimeout(timer)
        resolve(match[1])
        return
      }
      let event: PeerEvent
      try {
        event = JSON.parse(line)
      } catch {
        return
      }
      events.push(event)
      for (const listener of listeners) {
        listener(event)
      }
    })
  })
  return {
    child,
    pid: child.pid!,
    peerId,
    banner,
    events,
    on: (listener) => { listeners.push(listener) },
    signal: (signal) => {
      if (exitCode === undefined) {
        child.kill(signal)
      }
    },
    exited,
    get alive () { return exitCode === undefined },
    stderr: () => stderr
  }
}

/** Resolves with the first event (past or future) that `match` accepts. */
export async function waitForEvent (proc: PeerProcess, match: (event: PeerEvent) => boolean, timeoutMs: number, what = 'event'): Promise<PeerEvent> {
  const seen = proc.events.find(match)
  if (seen != null) {
    return seen
  }
  return new Promise((resolve, reject) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(new Error(`${what} not seen within ${timeoutMs} ms; stderr: ${proc.stderr()}`))
    }, timeoutMs)
    void proc.exited.then(code => {
      if (!done) {
        done = true
        clearTimeout(timer)
        reject(new Error(`process exited (${code}) before ${what}; stderr: ${proc.stderr()}`))
      }
    })
    proc.on(event => {
      if (!done && match(event)) {
        done = true
        clearTimeout(timer)
        resolve(event)
      }
    })
  })
}

/** SIGKILLs every process still running (SIGCONT first, for stopped ones). */
export async function killAll (procs: Iterable<PeerProcess | undefined>): Promise<void> {
  const list = [...procs].filter((p): p is PeerProcess => p != null)
  for (const p of list) {
    p.signal('SIGCONT')
    p.signal('SIGKILL')
  }
  await Promise.all(list.map(async p => { await p.exited }))
}
