/**
 * A consumer project in a temporary folder: the checkout packed with
 * `npm pack` (which builds it), the tarball installed beside `node@22` and
 * the consumer's own toolchain (TypeScript, esbuild, Vite) at the versions
 * the checkout uses, so npm's cache serves them. Commands then run with the
 * project's `node_modules/.bin` first on the PATH: its `node` is Node 22.
 */
import { execFile, spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, statfsSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FIXTURE = fileURLToPath(new URL('./consumer/', import.meta.url))
/** The consumer's toolchain, at the checkout's versions */
const TOOLS = ['typescript', 'vite', 'esbuild', '@types/node']
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024
/** The project holds about 500 MB (two Node binaries among them): in memory when there is room, writing and removing it is quick */
const RAM_DIR = '/dev/shm'
const RAM_DIR_MIN_FREE_BYTES = 2 * 1024 ** 3
const STOP_GRACE_MS = 5_000

function scratchDir (): string {
  try {
    const fs = statfsSync(RAM_DIR)
    if (fs.bavail * fs.bsize >= RAM_DIR_MIN_FREE_BYTES) {
      return RAM_DIR
    }
  } catch {}
  return tmpdir()
}

export interface Output { code: number, stdout: string, stderr: string }

export interface ConsumerProject {
  dir: string
  /** Paths inside the tarball, without the leading `package/` */
  tarball: string[]
  /** Runs a command in the project to completion (`extraEnv` over the project's environment) */
  run(command: string, args: string[], timeoutMs?: number, extraEnv?: Record<string, string>): Promise<Output>
  /** Starts a long-running command; resolves once a stdout line matches `ready` */
  start(command: string, args: string[], ready: RegExp, timeoutMs?: number, extraEnv?: Record<string, string>): Promise<{ child: ChildProcess, lines: string[] }>
  /** Stops what `start` started and removes the folder */
  destroy(): Promise<void>
}

async function exec (command: string, args: string[], options: { cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number }): Promise<Output> {
  return new Promise(resolve => {
    execFile(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: MAX_OUTPUT_BYTES }, (err: any, stdout, stderr) => {
      resolve({ code: err == null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr })
    })
  })
}

function version (pkg: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version
}

/** Packs the checkout and installs it into a fresh consumer project. */
export async function createConsumerProject (): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(scratchDir(), 'meshwork-consumer-'))
  const started: ChildProcess[] = []
  const destroy = async (): Promise<void> => {
    await Promise.all(started.map(async child => {
      if (child.exitCode == null && child.signalCode == null) {
        const exited = new Promise(resolve => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => { child.kill('SIGKILL') }, STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }
    }))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    // npm and the build run on this Node (24), as they do under `npm test`
    const checkoutEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}` }
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: checkoutEnv, timeoutMs: 120_000 })
    if (packed.code !== 0) {
      throw new Error(`npm pack failed: ${packed.stderr}`)
    }
    const tgz = join(dir, JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')))[0].filename)
    const listed = await exec('tar', ['-tzf', tgz], { cwd: dir, env: checkoutEnv, timeoutMs: 30_000 })
    const tarball = listed.stdout.split('\n').filter(Boolean).map(p => p.replace(/^package\//, ''))

    const app = join(dir, 'app')
    cpSync(FIXTURE, app, { recursive: true })
    writeFileSync(join(app, 'package.json'), JSON.stringify({
      name: 'meshwork-consumer', private: true, type: 'module', allowScripts: { node: true, esbuild: false }
    }, null, 2))
    const installed = await exec('npm', [
      'install', '--prefer-offline', '--no-audit', '--no-fund', tgz, 'node@22', ...TOOLS.map(t => `${t}@${version(t)}`)
    ], { cwd: app, env: checkoutEnv, timeoutMs: 240_000 })
    if (installed.code !== 0) {
      throw new Error(`npm install failed: ${installed.stderr}`)
    }
    const env = { ...process.env, PATH: `${join(app, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` }
    return {
      dir: app,
      tarball,
      run: async (command, args, timeoutMs = 60_000, extraEnv = {}) => exec(command, args, { cwd: app, env: { ...env, ...extraEnv }, timeoutMs }),
      start: async (command, args, ready, timeoutMs = 30_000, extraEnv = {}) => {
        const child = spawn(command, args, { cwd: app, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
        started.push(child)
        const lines: string[] = []
        let stderr = ''
        child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => { reject(new Error(`${command} not up in ${timeoutMs} ms: ${stderr}`)) }, timeoutMs)
          child.once('exit', code => { clearTimeout(timer); reject(new Error(`${command} exited (${code}): ${stderr}`)) })
          createInterface({ input: child.stdout! }).on('line', line => {
            lines.push(line)
            if (ready.test(line)) {
              clearTimeout(timer)
              resolve()
            }
          })
        })
        return { child, lines }
      },
      destroy
    }
  } catch (err) {
    await destroy()
    throw err
  }
}
