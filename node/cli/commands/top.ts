/**
 * `meshwork top --bootstrap ADDR [--once]`: a live view of the mesh,
 * refreshed in place — each peer's state, role, services and load, and for
 * peers that keep metrics (`--metrics-port`) their tasks per second, p50
 * and p99 handler time and failovers. `--once` prints one frame and exits.
 */
import { createMeshNode } from '../../index.ts'
import { STATS_SERVICE } from '../../metrics/stats.ts'
import { bootstrapAddrs, integer, MDNS_USAGE, parse } from '../args.ts'
import { discoverPeers } from '../discover.ts'
import { onShutdown } from '../lifecycle.ts'
import type { PeerStats } from '../../metrics/stats.ts'
import type { MeshNode, PeerInfo } from '../../../src/types.ts'

const DEFAULT_INTERVAL_MS = 2000

export const usage = `meshwork top --bootstrap ADDR [--once] [--interval-ms N]
  --once           print one frame and exit
  --interval-ms N  time between frames (default ${DEFAULT_INTERVAL_MS})
  figures beyond load come from peers started with --metrics-port
${MDNS_USAGE}`

/** How long a frame waits for the peers' figures. */
const STATS_TIMEOUT_MS = 1500
const CLEAR_SCREEN = '\x1b[H\x1b[2J'

const ms = (v: number | null | undefined): string => v == null ? '-' : v.toFixed(1)

function row (p: PeerInfo, s: PeerStats | undefined): string[] {
  return [
    p.peerId, p.state, p.role,
    p.services.filter(name => name !== STATS_SERVICE).join(',') || '-',
    p.capacity > 0 ? `${p.load}/${p.capacity}` : '-',
    s != null ? String(s.tasks) : '-',
    s != null ? s.tasksPerSecond.toFixed(1) : '-',
    ms(s?.p50Ms), ms(s?.p99Ms),
    s != null ? String(s.failovers) : '-'
  ]
}

/** One frame of the view: a table of every peer the node knows. */
export async function frame (node: MeshNode): Promise<string> {
  const stats = new Map<string, PeerStats>()
  const replies = await node.broadcast<PeerStats>(STATS_SERVICE, null, { timeoutMs: STATS_TIMEOUT_MS }).catch(() => [])
  for (const reply of replies) {
    if (reply.ok) stats.set(reply.peerId, reply.value)
  }
  const peers = node.peers().sort((a, b) => a.role.localeCompare(b.role) || a.peerId.localeCompare(b.peerId))
  const rows = [['PEER', 'STATE', 'ROLE', 'SERVICES', 'LOAD', 'TASKS', 'TASKS/S', 'P50_MS', 'P99_MS', 'FAILOVERS'], ...peers.map(p => row(p, stats.get(p.peerId)))]
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n'
}

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    once: { type: 'boolean' },
    'interval-ms': { type: 'string' },
    mdns: { type: 'boolean' }
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const intervalMs = integer(values['interval-ms'], 'interval-ms', DEFAULT_INTERVAL_MS, 100)
  const mdns = values.mdns === true
  const node = await createMeshNode({ bootstrap: bootstrapAddrs(values.bootstrap, mdns), webrtc: false, discovery: { mdns } })
  if (mdns) {
    await discoverPeers(node)
  }
  if (values.once === true) {
    try {
      process.stdout.write(await frame(node))
    } finally {
      await node.stop()
    }
    return
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  onShutdown(async () => {
    clearTimeout(timer)
    await node.stop()
  })
  const draw = async (): Promise<void> => {
    process.stdout.write(CLEAR_SCREEN + await frame(node))
    timer = setTimeout(() => { draw().catch(() => {}) }, intervalMs)
  }
  await draw()
}
