/**
 * A 3-member meshwork consensus group on loopback for the consensus case:
 * `meshwork worker --group` processes with data dirs, found by clients
 * through their fixed addresses; the leader is read with `meshwork kv status`.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { BIN } from '../../test/helpers/cli.ts'
import { loopbackMembers, startMembers } from '../../test/helpers/group-members.ts'
import type { ClusterMember } from './etcd-cluster.ts'

const run = promisify(execFile)
/** `meshwork kv status` starts a peer and joins first: seconds on a busy machine */
const STATUS_TIMEOUT_MS = 30_000
const READY_TIMEOUT_MS = 120_000
const READY_POLL_MS = 200

export interface MeshGroup {
  group: string
  /** Member addresses, for clients to bootstrap from */
  addrs: string[]
  members: ClusterMember[]
  /** Index into `members` of the leader the live members report */
  leader(): Promise<number>
  stop(): Promise<void>
}

export async function startMeshGroup (size: number, group = 'bench'): Promise<MeshGroup> {
  const root = mkdtempSync(join(tmpdir(), 'meshwork-group-'))
  const started = await startMembers({ group, dir: root, members: await loopbackMembers(size) })
  const members: ClusterMember[] = started.members.map(m => ({
    name: `m${m.index}`,
    get pid () { return m.pid },
    get alive () { return m.alive },
    kill: () => { m.signal('SIGKILL') },
    restart: async () => { await m.exited(); await m.start() }
  }))
  const leader = async (): Promise<number> => {
    const live = started.members.filter(m => m.alive).flatMap(m => ['--bootstrap', m.addr])
    const { stdout } = await run(process.execPath, [BIN, 'kv', ...live, '--group', group, 'status', '--json', '--timeout', String(STATUS_TIMEOUT_MS)], { timeout: STATUS_TIMEOUT_MS * 2 })
    const index = started.ids.indexOf(JSON.parse(stdout).leader)
    if (index < 0 || !started.members[index].alive) {
      throw new Error(`no live member is the leader (${stdout.trim()})`)
    }
    return index
  }
  const stop = async (): Promise<void> => {
    await started.stop()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS
    for (;;) {
      try {
        await leader()
        break
      } catch (err) {
        if (Date.now() > deadline) throw err
        await new Promise(resolve => setTimeout(resolve, READY_POLL_MS))
      }
    }
  } catch (err) {
    await stop()
    throw err
  }
  return { group, addrs: started.addrs, members, leader, stop }
}
