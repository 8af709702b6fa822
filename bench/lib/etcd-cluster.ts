/**
 * A 3-member etcd cluster on loopback (Debian's `etcd-server`), each member
 * its own process with its own data dir, for the consensus case. Members
 * run etcd's default timing, stated in the results: a heartbeat every
 * 100 ms and an election timeout of 1,000 ms.
 *
 * @example
 * ```ts
 * const etcd = await startEtcd(3, log)
 * const leader = await etcd.leader()
 * etcd.members[leader].kill()
 * await etcd.members[leader].restart()
 * await etcd.stop()
 * ```
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { stopChild } from '../../test/helpers/stop-child.ts'
import { ensureEtcd, freePort, waitForPort } from '../setup.ts'

/** etcd's defaults, passed explicitly so the results can state them */
export const ETCD_HEARTBEAT_MS = 100
export const ETCD_ELECTION_TIMEOUT_MS = 1_000
const STATUS_TIMEOUT_MS = 5_000
const MAX_STDERR_CHARS = 4_000

export interface ClusterMember {
  name: string
  readonly pid: number
  readonly alive: boolean
  /** SIGKILL */
  kill(): void
  /** Starts the member again from its data dir; resolves once it listens */
  restart(): Promise<void>
}

export interface EtcdCluster {
  /** Client URLs, one per member */
  endpoints: string[]
  members: ClusterMember[]
  /** Index into `members` of the leader, as the live members report it */
  leader(): Promise<number>
  settings: { heartbeatMs: number, electionTimeoutMs: number }
  stop(): Promise<void>
}

export async function startEtcd (size: number, log: (line: string) => void): Promise<EtcdCluster> {
  const bin = ensureEtcd(log)
  const root = mkdtempSync(join(tmpdir(), 'meshwork-etcd-'))
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), peer: await freePort() })))
  const names = ports.map((_, k) => `e${k}`)
  const initialCluster = ports.map((p, k) => `${names[k]}=http://127.0.0.1:${p.peer}`).join(',')
  const endpoints = ports.map(p => `http://127.0.0.1:${p.client}`)
  const children: Array<ChildProcess | undefined> = []
  const stderr: string[] = names.map(() => '')

  const launch = (k: number, state: 'new' | 'existing'): ChildProcess => {
    const peerUrl = `http://127.0.0.1:${ports[k].peer}`
    const child = spawn(bin, [
      '--name', names[k],
      '--data-dir', join(root, names[k]),
      '--listen-client-urls', endpoints[k], '--advertise-client-urls', endpoints[k],
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', initialCluster, '--initial-cluster-state', state,
      '--initial-cluster-token', 'meshwork-bench',
      '--heartbeat-interval', String(ETCD_HEARTBEAT_MS), '--election-timeout', String(ETCD_ELECTION_TIMEOUT_MS),
      '--log-level', 'error'
    ], { stdio: ['ignore', 'ignore', 'pipe'] })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (t: string) => { stderr[k] = (stderr[k] + t).slice(-MAX_STDERR_CHARS) })
    children[k] = child
    return child
  }
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(async c => { if (c != null) await stopChild(c) }))
    rmSync(root, { recursive: true, force: true })
  }
  try {
    const started = names.map((_, k) => launch(k, 'new'))
    await Promise.all(started.map(async (c, k) => { await waitForPort(ports[k].client, c, `etcd ${names[k]}`) }))
  } catch (err) {
    await stop()
    throw err
  }
  const members: ClusterMember[] = names.map((name, k) => ({
    name,
    get pid () { return children[k]?.pid ?? -1 },
    get alive () { const c = children[k]; return c != null && c.exitCode == null && c.signalCode == null },
    kill: () => { children[k]?.kill('SIGKILL') },
    restart: async () => {
      const c = children[k]
      if (c != null && c.exitCode == null && c.signalCode == null) {
        await new Promise(resolve => c.once('exit', resolve))
      }
      await waitForPort(ports[k].client, launch(k, 'existing'), `etcd ${name} (restarted)`)
    }
  }))
  return {
    endpoints,
    members,
    settings: { heartbeatMs: ETCD_HEARTBEAT_MS, electionTimeoutMs: ETCD_ELECTION_TIMEOUT_MS },
    leader: async () => {
      // etcd's v3 JSON gateway: each member says who it is and whom it follows
      const statuses = await Promise.all(endpoints.map(async (url, k) => {
        if (!members[k].alive) return undefined
        const res = await fetch(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) })
        const body: { header: { member_id: string }, leader: string } = await res.json()
        return { self: body.header.member_id, leader: body.leader }
      }))
      const leaderId = statuses.find(s => s != null)?.leader
      const index = statuses.findIndex(s => s != null && s.self === leaderId)
      if (index < 0) {
        throw new Error(`no live etcd member is the leader (${JSON.stringify(statuses)})`)
      }
      return index
    },
    stop
  }
}
