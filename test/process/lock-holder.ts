/**
 * A lock holder of a consensus group for the lock process test: `rounds`
 * times, takes the lock, tells the fenced resource it begins (with the
 * lock's token), holds it `holdMs`, tells the resource it ends, and
 * releases it. Prints `peer <id>`, then `{ ev: 'asking' }` as it calls
 * `lock`, `{ ev: 'granted', token }`,
 * `{ ev: 'released' }` and `{ ev: 'error', name }` lines.
 */
import { createMeshNode } from '../../node/index.ts'
import { emit, peerArgs } from '../chaos/peer-common.ts'

const args = peerArgs()
const wallMs = (): number => performance.timeOrigin + performance.now()

async function tell (path: 'begin' | 'end', token: number): Promise<boolean> {
  const res = await fetch(`${args.resource as string}/${path}`, { method: 'POST', body: JSON.stringify({ holder: args.name, token }) })
  return res.ok
}

const node = await createMeshNode({ bootstrap: args.bootstrap, webrtc: false })
const group = await node.consensus(args.group)
console.log(`peer ${node.peerId}`)
for (let round = 0; round < (args.rounds as number); round++) {
  try {
    emit({ ev: 'asking', at: wallMs() })
    const lock = await group.lock(args.lock, { ttlMs: args.ttlMs, timeoutMs: args.waitMs })
    emit({ ev: 'granted', token: lock.token, at: wallMs() })
    const began = await tell('begin', lock.token)
    await new Promise(resolve => setTimeout(resolve, args.holdMs))
    const ended = await tell('end', lock.token)
    emit({ ev: 'fenced', began, ended })
    await lock.release().catch((err: any) => { emit({ ev: 'error', name: err?.name, message: err?.message, at: 'release' }) })
    emit({ ev: 'released', at: wallMs() })
  } catch (err: any) {
    emit({ ev: 'error', name: err?.name, message: err?.message })
  }
}
await node.stop()
process.exit(0)
