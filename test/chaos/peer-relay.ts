/**
 * A relay for chaos runs, as a child process: prints its TCP address, then
 * `peer <id>`, then peer events as JSON lines.
 *
 * Usage: node peer-relay.ts '{"host":"127.0.0.1"}'
 */
import { createMeshNode } from '../../node/index.ts'
import { peerArgs, reportPeerEvents, stopOnSignal } from './peer-common.ts'

const args = peerArgs()
const node = await createMeshNode({ ...args.mesh, role: 'relay', host: args.host, port: args.port ?? 0, webrtc: false })
reportPeerEvents(node)
for (const addr of node.addrs().filter(a => !a.includes('/ws'))) {
  console.log(addr)
}
console.log(`peer ${node.peerId}`)
stopOnSignal(node)
