/**
 * Case: consensus. A 3-member meshwork group (`meshwork worker --group`
 * processes) side by side with a 3-member etcd cluster (Debian's
 * etcd-server), both on loopback with data dirs on disk, driven by one
 * client process each, whose callers share one client (an `Etcd3`, a group
 * handle): write throughput with 1 and 64 concurrent callers,
 * p50/p99 write latency, linearizable read throughput at 64 callers, and
 * failover: the leader SIGKILLed while puts stream, timed until a put called
 * after the kill is acknowledged (the member is then restarted from its data
 * dir for the next run).
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { startEtcd } from '../lib/etcd-cluster.ts'
import { startMeshGroup } from '../lib/mesh-group.ts'
import { summarize } from '../lib/stats.ts'
import { DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS, DEFAULT_TICK_MS } from '../../src/consensus/constants.ts'
import type { ChildHandle, ChildMessage } from '../lib/child.ts'
import type { ClusterMember } from '../lib/etcd-cluster.ts'
import type { BenchContext } from './context.ts'

const MEMBERS = 3
const MANY_CLIENTS = 64
/** Bytes of every written value */
const KV_VALUE_BYTES = 128
/** Time for a restarted member to rejoin before the next failover run */
const REJOIN_MS = 2_000
const wallMs = (): number => performance.timeOrigin + performance.now()

interface Side {
  target: unknown
  members: ClusterMember[]
  leader(): Promise<number>
  settings: Record<string, unknown>
  stop(): Promise<void>
}

export async function consensusCase (ctx: BenchContext): Promise<Record<string, any>> {
  const durationMs = ctx.quick ? 1_000 : 10_000
  const failoverRuns = ctx.quick ? 1 : 10
  const results: Record<string, any> = { members: MEMBERS, valueBytes: KV_VALUE_BYTES, durationMs }
  for (const system of ['etcd', 'meshwork'] as const) {
    ctx.log(`consensus: ${system}`)
    try {
      results[system] = await runSide(system, system === 'etcd' ? await etcdSide(ctx) : await meshSide(), durationMs, failoverRuns, ctx)
    } catch (err: any) {
      results[system] = { error: String(err?.message ?? err) }
      ctx.log(`consensus ${system} failed: ${err?.message ?? err}`)
    }
  }
  return results
}

async function etcdSide (ctx: BenchContext): Promise<Side> {
  const etcd = await startEtcd(MEMBERS, ctx.log)
  return { target: { endpoints: etcd.endpoints }, members: etcd.members, leader: etcd.leader, settings: etcd.settings, stop: etcd.stop }
}

async function meshSide (): Promise<Side> {
  const group = await startMeshGroup(MEMBERS)
  return {
    target: { bootstrap: group.addrs[0], group: group.group },
    members: group.members,
    leader: group.leader,
    // a follower campaigns after [n, 2n) ticks without a leader
    settings: {
      heartbeatMs: DEFAULT_TICK_MS * DEFAULT_HEARTBEAT_TICKS,
      electionTimeoutMs: DEFAULT_TICK_MS * DEFAULT_ELECTION_TICKS,
      electionTimeoutMaxMs: DEFAULT_TICK_MS * DEFAULT_ELECTION_TICKS * 2
    },
    stop: group.stop
  }
}

/** Sends a command to the client and waits for its answer. */
function asker (client: ChildHandle): (cmd: Record<string, unknown>) => Promise<ChildMessage> {
  let next = 0
  const waiting = new Map<number, (msg: ChildMessage) => void>()
  client.onEvent(msg => { waiting.get(msg.id)?.(msg); waiting.delete(msg.id) })
  return async (cmd) => new Promise((resolve, reject) => {
    const id = next++
    waiting.set(id, msg => { msg.error != null ? reject(new Error(`${String(cmd.cmd)}: ${String(msg.error)}`)) : resolve(msg) })
    client.exited.then(() => { reject(new Error(`client exited during ${String(cmd.cmd)}`)) }, () => {})
    client.tell({ ...cmd, id })
  })
}

async function runSide (system: string, side: Side, durationMs: number, failoverRuns: number, ctx: BenchContext): Promise<Record<string, any>> {
  const client = spawnChild(`${system} kv client`, benchFile('roles/kv-client.ts'), [system, JSON.stringify(side.target), String(KV_VALUE_BYTES)], { expectReady: true })
  try {
    await client.ready
    const ask = asker(client)
    const strip = ({ type: _t, id: _i, ...rest }: ChildMessage): Record<string, unknown> => rest
    const writes1 = strip(await ask({ cmd: 'writes', clients: 1, durationMs }))
    const writesMany = strip(await ask({ cmd: 'writes', clients: MANY_CLIENTS, durationMs }))
    const reads = strip(await ask({ cmd: 'reads', clients: MANY_CLIENTS, durationMs }))
    const failoverMs: number[] = []
    const failures: string[] = []
    for (let run = 0; run < failoverRuns; run++) {
      const victim = await side.leader()
      await ask({ cmd: 'watch' })
      const killAt = wallMs()
      side.members[victim].kill()
      try {
        failoverMs.push((await ask({ cmd: 'killed', killAt })).failoverMs)
      } catch (err: any) {
        failures.push(String(err?.message ?? err))
      }
      ctx.log(`consensus ${system}: failover run ${run + 1}: ${failoverMs[failoverMs.length - 1] ?? 'failed'} ms`)
      await side.members[victim].restart()
      await new Promise(resolve => setTimeout(resolve, REJOIN_MS))
    }
    await ask({ cmd: 'close' }).catch(() => {})
    return { settings: side.settings, writes: [writes1, writesMany], reads, failover: { runs: failoverRuns, failures, ...summarize(failoverMs) } }
  } finally {
    await client.stop()
    await side.stop()
  }
}
