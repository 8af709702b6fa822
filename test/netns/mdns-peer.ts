/**
 * A peer for the mDNS test, on the Node API: `discovery: { mdns: true }`
 * and no bootstrap. Serves `echo` under the service name given as argv[2],
 * prints `peer <id>`, then `sees <id>` for each peer that enters its table.
 */
import { createMeshNode } from '../../node/index.ts'

const POLL_MS = 100

const node = await createMeshNode({ discovery: { mdns: true } })
node.serve(process.argv[2] ?? 'echo', async (input) => input)
console.log(`peer ${node.peerId}`)
const seen = new Set<string>()
const timer = setInterval(() => {
  for (const p of node.peers()) {
    if (p.state === 'alive' && !seen.has(p.peerId)) {
      seen.add(p.peerId)
      console.log(`sees ${p.peerId}`)
    }
  }
}, POLL_MS)
process.once('SIGTERM', () => {
  clearInterval(timer)
  void node.stop().then(() => { process.exit(0) })
})
