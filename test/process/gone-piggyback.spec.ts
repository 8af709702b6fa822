/**
 * Deaths spread by piggyback: a worker process is SIGKILLed. Peer B and the
 * relay, connected to it, see it die; peer C, which knows the worker
 * only from presence gossip and never had a connection to it, learns of the
 * death from the "gone" lists on their announcements — it marks the worker
 * dead outright, long before its own expiry of the worker's announcements
 * would have made it even suspect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { WORKER_SCRIPT, killAll, spawnPeer } from '../chaos/proc.ts'
import { eventually } from '../helpers/mesh.ts'
import type { PeerProcess } from '../chaos/proc.ts'
import type { MeshNode, PeerState } from '../../src/types.ts'

/** Presence refresh of every peer (the table's size stretches it to about 2 s here) */
const PRESENCE_INTERVAL_MS = 1_000
/** C's own verdict would come after three refreshes of silence: piggyback must beat that clearly */
const VERDICT_WAIT_MS = 20_000

describe('a death seen by some peers', () => {
  let relay: MeshNode
  let witness: MeshNode
  let bystander: MeshNode
  let worker: PeerProcess

  beforeAll(async () => {
    const common = { webrtc: false, presenceIntervalMs: PRESENCE_INTERVAL_MS }
    relay = await createMeshNode({ ...common, role: 'relay' })
    const bootstrap = [relay.addrs()[0]]
    worker = await spawnPeer(WORKER_SCRIPT, { bootstrap, workMs: 60_000, mesh: { presenceIntervalMs: PRESENCE_INTERVAL_MS } })
    witness = await createMeshNode({ ...common, bootstrap })
    // keeps no connections beyond its bootstrap peer: it hears of the worker only through gossip
    bystander = await createMeshNode({ ...common, bootstrap, minConnections: 0 })
    await witness.waitForWorkers('work', 1)
    await bystander.waitForWorkers('work', 1)
  }, 60_000)

  afterAll(async () => {
    await killAll([worker])
    await Promise.all([bystander, witness, relay].map(async n => n?.stop()))
  })

  it('reaches a peer that never saw the dead one: dead at once, never suspect first', async () => {
    const verdicts: Array<{ state: PeerState, at: number }> = []
    for (const state of ['suspect', 'dead'] as const) {
      bystander.addEventListener(`peer:${state}`, e => { if (e.detail.peerId === worker.peerId) verdicts.push({ state, at: Date.now() }) })
    }
    let bystanderDialedWorker = false
    bystander.libp2p.addEventListener('connection:open', e => { if (e.detail.remotePeer.toString() === worker.peerId) bystanderDialedWorker = true })
    let witnessedAt = 0
    witness.addEventListener('peer:dead', e => { if (e.detail.peerId === worker.peerId) witnessedAt = Date.now() })

    await eventually(() => witness.libp2p.getConnections().some(c => c.remotePeer.toString() === worker.peerId), 10_000, 'the witness connected to the worker')
    expect(bystander.libp2p.getConnections().map(c => c.remotePeer.toString())).not.toContain(worker.peerId)

    const killedAt = Date.now()
    worker.signal('SIGKILL')
    await eventually(() => verdicts.length > 0, VERDICT_WAIT_MS, "the bystander's verdict")
    console.log(`witness: dead ${witnessedAt - killedAt} ms after the kill; bystander: ${verdicts.map(v => `${v.state} at ${v.at - killedAt} ms`).join(', ')}`)

    expect(witnessedAt).toBeGreaterThan(0)
    expect(verdicts[0].state).toBe('dead')
    expect(bystanderDialedWorker).toBe(false)
  }, 60_000)
})
