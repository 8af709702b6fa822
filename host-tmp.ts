import { createMeshNode } from './node/index.ts'
const [bootstrap, countStr] = process.argv.slice(2)
const nodes = []
let suspects = 0, deads = 0, disc = 0
for (let i = 0; i < Number(countStr); i++) {
  const n = await createMeshNode({ bootstrap: [bootstrap], webrtc: false })
  n.serve('svc', async () => i)
  n.addEventListener('peer:suspect', () => { suspects++ })
  n.addEventListener('peer:dead', () => { deads++ })
  n.libp2p.addEventListener('peer:disconnect', () => { disc++ })
  nodes.push(n)
}
const t0 = Date.now()
setInterval(() => {
  const known = nodes.map(n => n.peers().filter(p => p.state === 'alive').length)
  console.log(process.pid, ((Date.now() - t0) / 1000).toFixed(0), 'known min', Math.min(...known), 'max', Math.max(...known), 'suspects', suspects, 'deads', deads, 'disconnects', disc, 'conns', Math.min(...nodes.map(n => n.libp2p.getConnections().length)))
}, 5000)
