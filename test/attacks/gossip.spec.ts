/**
 * Attacks through presence and pub/sub, from real libp2p peers that speak
 * gossipsub and the presence protocol wrongly on purpose:
 * - a forged announcement (heartbeat) for another peer, over gossip and
 *   over a table sync, and the victim's own announcement replayed;
 * - a "gone" report about a live peer;
 * - unsigned messages on every meshwork topic.
 * The honest peers' tables stay right, their work goes on, and the sender
 * is scored down.
 */
import { pbStream } from '@libp2p/utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { APP_TOPIC_PREFIX, PRESENCE_PROTOCOL, PRESENCE_TOPIC, SERVICE_TOPIC_PREFIX } from '../../src/constants.ts'
import { sealAnnouncement, SignedAnnouncement } from '../../src/presence/announcement.ts'
import { PresenceTable } from '../../src/wire/generated/presence.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { eventually } from '../helpers/mesh.ts'
import { hostilePeer } from './hostile.ts'
import type { HostilePeer } from './hostile.ts'
import type { MeshNode } from '../../src/types.ts'

const scoreOf = (node: MeshNode, peer: string): number => (node.libp2p.services as any).pubsub.getScore(peer)
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

describe('forged presence and unsigned gossip', () => {
  let relay: MeshNode
  let victim: MeshNode
  let observer: MeshNode
  let evil: HostilePeer
  const deaths: string[] = []
  const captured: Uint8Array[] = []

  beforeAll(async () => {
    relay = await createMeshNode({ role: 'relay', webrtc: false })
    const bootstrap = [relay.addrs()[0]]
    victim = await createMeshNode({ bootstrap, webrtc: false, presenceIntervalMs: 1_000 })
    observer = await createMeshNode({ bootstrap, webrtc: false })
    victim.serve('echo', async (x: unknown) => x)
    await observer.waitForWorkers('echo', 1)
    observer.addEventListener('peer:dead', e => { deaths.push(e.detail.peerId) })
    evil = await hostilePeer({ bootstrap: [...bootstrap, observer.addrs()[0], victim.addrs()[0]] })
    // the hostile peer listens to presence, to replay what it hears
    evil.pubsub.subscribe(PRESENCE_TOPIC)
    evil.pubsub.addEventListener('message', e => { if (e.detail.topic === PRESENCE_TOPIC) captured.push(e.detail.data) })
    await sleep(1_500)
  }, 60_000)

  afterAll(async () => {
    await evil?.stop()
    await Promise.all([observer, victim, relay].map(async n => n?.stop()))
  })

  const victimEntry = (): ReturnType<MeshNode['peers']>[number] | undefined => observer.peers().find(p => p.peerId === victim.peerId)

  it('an announcement for another peer, over gossip or a table sync, changes nothing', async () => {
    const forged = await sealAnnouncement(evil.key, {
      peer: peerIdFromString(victim.peerId).toMultihash().bytes,
      seq: BigInt(Date.now() + 3_600_000),
      services: [{ name: 'evil', concurrency: 1000, load: 0, models: [] }],
      addrs: evil.libp2p.getMultiaddrs().map(ma => ma.bytes),
      refreshMs: 5_000,
      gone: [],
      leaving: false,
      role: 'node'
    })
    // over gossip
    for (let i = 0; i < 5; i++) {
      await evil.pubsub.publish(PRESENCE_TOPIC, forged)
    }
    // the victim's genuine, signed announcement, replayed by someone else
    await eventually(() => captured.length > 0 || victim == null, 15_000, 'an announcement of the victim heard')
    for (const data of captured.slice(-3)) {
      await evil.pubsub.publish(PRESENCE_TOPIC, data).catch(() => {})
    }
    // over a table sync the hostile peer starts itself
    const stream = await evil.libp2p.dialProtocol(peerIdFromString(observer.peerId), PRESENCE_PROTOCOL)
    const pb = pbStream(stream)
    await pb.write({ entries: [SignedAnnouncement.decode(forged)] }, PresenceTable)
    await pb.read(PresenceTable).catch(() => {})
    await sleep(1_000)

    const entry = victimEntry()
    expect(entry?.services).toEqual(['echo'])
    expect(entry?.state).toBe('alive')
    expect(observer.peers().some(p => p.services.includes('evil'))).toBe(false)
    // the victim still serves, at its real address
    expect(await observer.request('echo', 'still here', { preferPeer: victim.peerId })).toBe('still here')
    // and the forger lost standing in the observer's gossip (scores refresh about every second)
    await eventually(() => scoreOf(observer, evil.peerId) < 0, 5_000, 'the forger scored down')
  })

  it('a "gone" report about a peer that is alive does not kill it', async () => {
    for (let i = 0; i < 5; i++) {
      const gone = await sealAnnouncement(evil.key, {
        peer: evil.libp2p.peerId.toMultihash().bytes,
        seq: BigInt(Date.now() + i),
        services: [],
        addrs: [],
        refreshMs: 5_000,
        gone: [peerIdFromString(victim.peerId).toMultihash().bytes],
        leaving: false,
        role: 'node'
      })
      await evil.pubsub.publish(PRESENCE_TOPIC, gone)
      await sleep(200)
    }
    await sleep(500)
    expect(deaths).not.toContain(victim.peerId)
    expect(victimEntry()?.state).toBe('alive')
  })

  it('unsigned messages on presence, service and application topics are dropped', async () => {
    const unsigned = await hostilePeer({ bootstrap: [relay.addrs()[0], observer.addrs()[0]], gossip: { globalSignaturePolicy: 'StrictNoSign' } })
    try {
      const got: Array<{ data: unknown, from: string }> = []
      observer.subscribe('news', (data, meta) => { got.push({ data, from: meta.from }) })
      observer.serve('claimable', async () => 'ok')
      await sleep(1_500)
      const json = (v: unknown): Uint8Array => { const b = new TextEncoder().encode(JSON.stringify(v)); const out = new Uint8Array(b.length + 1); out.set(b, 1); return out }
      for (let i = 0; i < 20; i++) {
        await unsigned.pubsub.publish(`${APP_TOPIC_PREFIX}news`, json({ forged: i })).catch(() => {})
        await unsigned.pubsub.publish(`${SERVICE_TOPIC_PREFIX}claimable`, new Uint8Array([10, 1, 120])).catch(() => {})
        await unsigned.pubsub.publish(PRESENCE_TOPIC, new Uint8Array([1, 2, 3])).catch(() => {})
      }
      // a signed message from an honest peer, as a control
      await victim.publish('news', { honest: true })
      await eventually(() => got.length > 0, 10_000, 'the honest message')
      await sleep(500)
      expect(got).toEqual([{ data: { honest: true }, from: victim.peerId }])
      await eventually(() => scoreOf(observer, unsigned.peerId) < 0, 5_000, 'the unsigned sender scored down')
    } finally {
      await unsigned.stop()
    }
  })
})
