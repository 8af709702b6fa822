/**
 * Child processes of the bench: every server and every requester runs in a
 * process of its own and speaks to the parent in JSON lines on stdout
 * (`{ type: 'ready' | 'event' | 'result' | 'error', ... }`). stderr is kept
 * (bounded) to explain a failure.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import { STOP_GRACE_MS, stopChild } from '../../test/helpers/stop-child.ts'

/** stderr kept per child, for error messages. */
const MAX_STDERR_CHARS = 8_000
const DEFAULT_READY_TIMEOUT_MS = 60_000

export interface ChildMessage {
  type: 'ready' | 'event' | 'result' | 'error'
  [key: string]: any
}

export interface ChildHandle {
  readonly name: string
  readonly child: ChildProcess
  readonly pid: number
  /** The first `ready` message */
  ready: Promise<ChildMessage>
  /** The `result` message, rejecting on an `error` message or an early exit */
  result: Promise<ChildMessage>
  /** Calls `listener` for every `event` message */
  onEvent(listener: (msg: ChildMessage) => void): void
  /** Sends a line to the child's stdin */
  tell(msg: unknown): void
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs` */
  stop(graceMs?: number): Promise<void>
  exited: Promise<number | null>
}

export interface SpawnOptions {
  nodeArgs?: string[]
  env?: Record<string, string>
  readyTimeoutMs?: number
  /** Whether to expect a `ready` message (servers) */
  expectReady?: boolean
}

/** Path of a file in bench/, for spawning. */
export function benchFile (relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url))
}

/** Runs `process.execPath script ...args` and follows its JSON lines. */
export function spawnChild (name: string, script: string, args: string[], options: SpawnOptions = {}): ChildHandle {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env }
  })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-MAX_STDERR_CHARS)
  })
  const listeners: Array<(msg: ChildMessage) => void> = []
  let resolveReady!: (msg: ChildMessage) => void
  let rejectReady!: (err: Error) => void
  let resolveResult!: (msg: ChildMessage) => void
  let rejectResult!: (err: Error) => void
  const ready = new Promise<ChildMessage>((resolve, reject) => { resolveReady = resolve; rejectReady = reject })
  const result = new Promise<ChildMessage>((resolve, reject) => { resolveResult = resolve; rejectResult = reject })
  ready.catch(() => {})
  result.catch(() => {})
  const failure = (what: string): Error => new Error(`${name}: ${what}${stderr !== '' ? `\n--- stderr ---\n${stderr.trim()}` : ''}`)
  const readyTimer = options.expectReady === true
    ? setTimeout(() => { rejectReady(failure('not ready in time')) }, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)
    : undefined

  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: ChildMessage
    try {
      msg = JSON.parse(line)
    } catch {
      return
    }
    switch (msg.type) {
      case 'ready': clearTimeout(readyTimer); resolveReady(msg); break
      case 'result': resolveResult(msg); break
      case 'error': rejectResult(failure(msg.message)); rejectReady(failure(msg.message)); break
      case 'event': for (const l of listeners) l(msg); break
      default: break
    }
  })
  const exited = new Promise<number | null>(resolve => {
    child.once('exit', (code, signal) => {
      clearTimeout(readyTimer)
      const why = `exited (${signal ?? code}) early`
      rejectReady(failure(why))
      rejectResult(failure(why))
      resolve(code)
    })
  })
  return {
    name,
    child,
    pid: child.pid ?? -1,
    ready,
    result,
    exited,
    onEvent: (listener) => { listeners.push(listener) },
    tell: (msg) => { child.stdin!.write(`${JSON.stringify(msg)}\n`) },
    stop: async (graceMs = STOP_GRACE_MS) => { await stopChild(child, graceMs) }
  }
}

// ---- child side ----

/** Prints one JSON line for the parent. */
export function send (msg: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`)
}

/** Lines the parent sends on stdin, parsed. */
export function onParentMessage (listener: (msg: any) => void): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    try { listener(JSON.parse(line)) } catch {}
  })
}

/** Runs a child's main: reports a thrown error as an `error` line and exits non-zero. */
export function childMain (main: () => Promise<void>): void {
  main().catch((err: any) => {
    send({ type: 'error', message: `${err?.name ?? 'Error'}: ${err?.message ?? err}\n${err?.stack ?? ''}` })
    process.exitCode = 1
    setTimeout(() => process.exit(1), 100).unref()
  })
}
