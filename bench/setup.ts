/**
 * The brokers the bench compares against: Debian's `nats-server` and
 * `redis-server` (and `etcd-server` for the consensus case), installed with
 * apt-get only when missing, started on loopback on free ports, and stopped
 * afterwards.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import type { ChildProcess } from 'node:child_process'
import { stopChild } from '../test/helpers/stop-child.ts'

const START_TIMEOUT_MS = 15_000

export interface Brokers {
  natsUrl: string
  redisUrl: string
  /** Process ids, to charge the brokers' CPU to the systems that use them */
  natsPid: number
  redisPid: number
  stop(): Promise<void>
}

interface Binary { name: string, path: string, pkg: string }

const BINARIES: Record<'nats' | 'redis' | 'etcd', Binary> = {
  nats: { name: 'nats-server', path: '/usr/sbin/nats-server', pkg: 'nats-server' },
  redis: { name: 'redis-server', path: '/usr/bin/redis-server', pkg: 'redis-server' },
  etcd: { name: 'etcd', path: '/usr/bin/etcd', pkg: 'etcd-server' }
}

function which (name: string, fallback: string): string | undefined {
  if (existsSync(fallback)) {
    return fallback
  }
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

/** Installs the Debian packages of `binaries` that are missing (as root, like CI); returns their paths. */
function ensurePackages (binaries: Binary[], log: (line: string) => void): string[] {
  const missing = binaries.filter(b => which(b.name, b.path) == null).map(b => b.pkg)
  if (missing.length > 0) {
    log(`installing ${missing.join(', ')} with apt-get`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update'], { stdio: 'ignore', env })
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'ignore', env })
  }
  return binaries.map(b => {
    const path = which(b.name, b.path)
    if (path == null) {
      throw new Error(`${b.name} is still missing after apt-get install ${b.pkg}`)
    }
    return path
  })
}

/** Installs nats-server and redis-server when missing. */
export function ensureInstalled (log: (line: string) => void = () => {}): { nats: string, redis: string } {
  const [nats, redis] = ensurePackages([BINARIES.nats, BINARIES.redis], log)
  return { nats, redis }
}

/** Installs etcd-server (etcd 3.4 with etcdctl) when missing; returns the etcd binary. */
export function ensureEtcd (log: (line: string) => void = () => {}): string {
  return ensurePackages([BINARIES.etcd], log)[0]
}

/** A TCP port free on loopback right now. */
export async function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

export async function waitForPort (port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode != null) {
      throw new Error(`${what} exited with code ${child.exitCode}`)
    }
    const open = await new Promise<boolean>(resolve => {
      const socket = createConnection({ port, host: '127.0.0.1' })
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => { resolve(false) })
    })
    if (open) {
      return
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`${what} did not listen on ${port} within ${START_TIMEOUT_MS} ms`)
}


/** Installs if needed and starts both brokers on loopback. */
export async function startBrokers (log?: (line: string) => void): Promise<Brokers> {
  const bins = ensureInstalled(log)
  const natsPort = await freePort()
  const redisPort = await freePort()
  const nats = spawn(bins.nats, ['-a', '127.0.0.1', '-p', String(natsPort)], { stdio: 'ignore' })
  const redis = spawn(bins.redis, [
    '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--protected-mode', 'no', '--daemonize', 'no', '--dir', '/tmp'
  ], { stdio: 'ignore' })
  const stop = async (): Promise<void> => { await Promise.all([stopChild(nats), stopChild(redis)]) }
  try {
    await waitForPort(natsPort, nats, 'nats-server')
    await waitForPort(redisPort, redis, 'redis-server')
  } catch (err) {
    await stop()
    throw err
  }
  return {
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    natsPid: nats.pid ?? -1,
    redisPid: redis.pid ?? -1,
    stop
  }
}
