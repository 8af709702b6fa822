/**
 * `meshwork peers --bootstrap ADDR`: joins, prints the live peer table,
 * leaves.
 */
import { createMeshNode } from '../../index.ts'
import { bootstrapAddrs, MDNS_USAGE, parse } from '../args.ts'
import { discoverPeers } from '../discover.ts'
import type { PeerInfo } from '../../../src/types.ts'

export const usage = `meshwork peers --bootstrap ADDR [--json]
  --json    one JSON object a line instead of a table
${MDNS_USAGE}`

function row (p: PeerInfo): string[] {
  return [
    p.peerId,
    p.state,
    p.role,
    p.services.join(',') || '-',
    p.capacity > 0 ? `${p.load}/${p.capacity}` : '-',
    p.rttMs != null ? p.rttMs.toFixed(1) : '-'
  ]
}

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    mdns: { type: 'boolean' }
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const mdns = values.mdns === true
  const node = await createMeshNode({ bootstrap: bootstrapAddrs(values.bootstrap, mdns), webrtc: false, discovery: { mdns } })
  try {
    if (mdns) {
      await discoverPeers(node)
    }
    const peers = node.peers().sort((a, b) => a.role.localeCompare(b.role) || a.peerId.localeCompare(b.peerId))
    if (values.json === true) {
      for (const p of peers) {
        console.log(JSON.stringify(p))
      }
      return
    }
    const rows = [['PEER', 'STATE', 'ROLE', 'SERVICES', 'LOAD', 'RTT_MS'], ...peers.map(row)]
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
    for (const r of rows) {
      console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd())
    }
  } finally {
    await node.stop()
  }
}
