/**
 * Child process: one meshwork worker for the failover case.
 * `node bench/roles/mesh-worker.ts BOOTSTRAP normal|victim`
 * A victim streams its first STALL_AFTER tokens, then stalls until it is
 * killed; a normal worker streams every token at once.
 */
import { createMeshNode } from 'meshwork/node'
import { childMain, send } from '../lib/child.ts'
import { ECHO, GEN, serveBench } from '../systems/meshwork.ts'
import { tokens } from '../lib/payload.ts'

export const STALL_AFTER = 10

childMain(async () => {
  const [bootstrap, kind] = process.argv.slice(2)
  const node = await createMeshNode({ bootstrap: [bootstrap] })
  serveBench(node, 16)
  if (kind === 'victim') {
    const words = tokens()
    node.serve(GEN, async function * (input: { n: number }, ctx) {
      for (let i = 0; i < Math.min(STALL_AFTER, input.n); i++) {
        yield words[i]
      }
      await new Promise((resolve) => { ctx.signal.addEventListener('abort', resolve) })
    }, { resume: 'continue' })
  }
  process.on('SIGTERM', () => { node.stop().finally(() => process.exit(0)) })
  send({ type: 'ready', peerId: node.peerId, services: [ECHO, GEN] })
})
