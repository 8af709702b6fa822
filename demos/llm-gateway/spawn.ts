/**
 * Starts the demo's processes (`meshwork` commands and model servers) and
 * waits for the line each prints once it is up.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

const MESHWORK = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))
const MODEL_SERVER = fileURLToPath(new URL('./model-server.ts', import.meta.url))

export interface Started {
  child: ChildProcess
  /** The lines printed on stdout until the awaited one */
  lines: string[]
}

const children: ChildProcess[] = []

async function start (args: string[], ready: RegExp[]): Promise<Started> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const lines: string[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`${args.slice(1).join(' ')} did not start`)) }, 30_000)
    child.once('exit', code => { reject(new Error(`${args.slice(1).join(' ')} exited with ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      lines.push(line)
      if (ready.every(r => lines.some(l => r.test(l)))) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve({ child, lines })
      }
    })
  })
}

/** `meshwork <args>`, up once it printed its peer id (and `ready`, if given). */
export async function meshwork (args: string[], ready?: RegExp): Promise<Started> {
  return start([MESHWORK, ...args], ready != null ? [/^peer /, ready] : [/^peer /])
}

/** A stand-in model server; resolves with its API base URL. */
export async function modelServer (args: string[]): Promise<{ child: ChildProcess, url: string }> {
  const { child, lines } = await start([MODEL_SERVER, ...args], [/^model-server /])
  return { child, url: lines[lines.length - 1].slice('model-server '.length) }
}

/** Stops every process started here. */
export async function stopAll (): Promise<void> {
  await Promise.all(children.map(async child => {
    if (child.exitCode == null && child.signalCode == null) {
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }))
}
