/**
 * Members of a consensus group as real `meshwork worker --group` processes,
 * each with its data dir (and its identity in it), on a fixed address so
 * the others and the clients can bootstrap from it, optionally inside a
 * network namespace. A member can be signalled (SIGKILL, SIGSTOP, SIGCONT)
 * and started again from its data dir, as itself.
 *
 * @example
 * ```ts
 * const group = await startMembers({ group: 'g', dir, members: [{ host: '127.0.0.1', port: 4001 }, ...] })
 * group.members[0].signal('SIGKILL')
 * await group.members[0].start()
 * await group.stop()
 * ```
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadIdentity } from '../../node/identity.ts'
import { identityIn } from '../../node/cli/group.ts'
import { BIN } from './cli.ts'
import type { ChildProcess } from 'node:child_process'

const MAX_STDERR_CHARS = 8_000
const START_TIMEOUT_MS = 120_000

export interface MemberSpec {
  host: string
  port: number
  /** Network namespace to run in */
  netns?: string
}

export interface MemberProcess {
  readonly index: number
  readonly peerId: string
  readonly dataDir: string
  /** `/ip4/HOST/tcp/PORT/p2p/ID` */
  readonly addr: string
  readonly pid: number
  readonly alive: boolean
  /** Sends a signal unless the process has exited */
  signal(signal: NodeJS.Signals): void
  /** Starts the member (again) from its data dir; resolves once it is up */
  start(): Promise<void>
  /** Resolves once the current process has exited */
  exited(): Promise<void>
  stderr(): string
}

export interface GroupMembers {
  group: string
  members: MemberProcess[]
  /** Member addresses, for clients' --bootstrap */
  addrs: string[]
  ids: string[]
  /** SIGKILLs every member (SIGCONT first, for stopped ones) */
  stop(): Promise<void>
}

export interface StartMembersOptions {
  group: string
  /** Data dirs go under here, one per member */
  dir: string
  members: MemberSpec[]
  /** Extra `meshwork worker` arguments */
  args?: string[]
  env?: Record<string, string>
}

/**
 * Ports for members on loopback are drawn below the kernel's ephemeral range
 * (32768 and up by default), so an outgoing connection cannot take one
 * between this check and the member's listen.
 */
const MEMBER_PORT_RANGE: [number, number] = [20_000, 32_000]

async function portFree (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}

/** `count` members on loopback, each on a TCP port free right now. */
export async function loopbackMembers (count: number): Promise<MemberSpec[]> {
  const ports = new Set<number>()
  while (ports.size < count) {
    const port = MEMBER_PORT_RANGE[0] + Math.floor(Math.random() * (MEMBER_PORT_RANGE[1] - MEMBER_PORT_RANGE[0]))
    if (!ports.has(port) && await portFree(port)) ports.add(port)
  }
  return [...ports].map(port => ({ host: '127.0.0.1', port }))
}

/** Creates each member's identity in its data dir and returns the peer ids. */
export async function memberIdentities (dir: string, count: number): Promise<Array<{ dataDir: string, peerId: string }>> {
  return Promise.all(Array.from({ length: count }, async (_, k) => {
    const dataDir = join(dir, `member-${k}`)
    mkdirSync(dataDir, { recursive: true })
    const key = await loadIdentity(identityIn(dataDir))
    return { dataDir, peerId: peerIdFromPrivateKey(key).toString() }
  }))
}

/** Starts every member; resolves once each printed its peer id. */
export async function startMembers (options: StartMembersOptions): Promise<GroupMembers> {
  const identities = await memberIdentities(options.dir, options.members.length)
  const ids = identities.map(i => i.peerId)
  const addrs = options.members.map((m, k) => `/ip4/${m.host}/tcp/${m.port}/p2p/${ids[k]}`)
  const members = options.members.map((spec, k) => member(k, spec, identities[k].dataDir, ids, addrs, options))
  try {
    await Promise.all(members.map(async m => { await m.start() }))
  } catch (err) {
    await stopAll(members)
    throw err
  }
  return { group: options.group, members, addrs, ids, stop: async () => { await stopAll(members) } }
}

async function stopAll (members: MemberProcess[]): Promise<void> {
  for (const m of members) {
    m.signal('SIGCONT')
    m.signal('SIGKILL')
  }
  await Promise.all(members.map(async m => { await m.exited() }))
}

function member (index: number, spec: MemberSpec, dataDir: string, ids: string[], addrs: string[], options: StartMembersOptions): MemberProcess {
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let stderr = ''
  const alive = (): boolean => child != null && child.exitCode == null && child.signalCode == null
  const argv = (): string[] => {
    const others = addrs.filter((_, k) => k !== index).flatMap(a => ['--bootstrap', a])
    let cmd = [process.execPath, BIN, 'worker', '--group', options.group, '--members', ids.join(','), '--data-dir', dataDir,
      '--host', spec.host, '--port', String(spec.port), ...others, ...(options.args ?? [])]
    if (spec.netns != null) {
      // `ip netns exec` execs, so the pid stays the member's
      cmd = ['ip', 'netns', 'exec', spec.netns, ...cmd]
    }
    return cmd
  }
  return {
    index,
    peerId: ids[index],
    dataDir,
    addr: addrs[index],
    get pid () { return child?.pid ?? -1 },
    get alive () { return alive() },
    signal: (signal) => { if (alive()) child!.kill(signal) },
    exited: async () => { await exited },
    stderr: () => stderr,
    start: async () => {
      if (alive()) {
        throw new Error(`member ${index} is still running`)
      }
      const [cmd, ...args] = argv()
      const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } })
      child = proc
      proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-MAX_STDERR_CHARS) })
      exited = new Promise(resolve => { proc.once('exit', () => { resolve() }) })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          proc.kill('SIGKILL')
          reject(new Error(`member ${index} not up within ${START_TIMEOUT_MS} ms: ${stderr}`))
        }, START_TIMEOUT_MS)
        proc.once('exit', code => {
          clearTimeout(timer)
          reject(new Error(`member ${index} exited (${code}) before it was up: ${stderr}`))
        })
        createInterface({ input: proc.stdout! }).on('line', line => {
          if (line === `peer ${ids[index]}`) {
            clearTimeout(timer)
            resolve()
          } else if (line.startsWith('peer ')) {
            clearTimeout(timer)
            proc.kill('SIGKILL')
            reject(new Error(`member ${index} came up as ${line}, not as ${ids[index]}`))
          }
        })
      })
    }
  }
}
