/**
 * A peer whose gossip stream to another was lost while their connection
 * stayed up (a negotiation that timed out on a busy peer, a reset) hears
 * that peer's messages again: the stream is opened anew.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { Message } from '@libp2p/gossipsub'

const TOPIC = 'gossip-streams-test'
/** Generous: the stream is asked for again within a few seconds. */
const HEAR_AGAIN_TIMEOUT_MS = 20_000

/** The gossip streams a node has open to others. */
function outboundGossip (pubsub: unknown): Map<string, unknown> {
  return (pubsub as { streamsOutbound: Map<string, unknown> }).streamsOutbound
}

describe('gossip streams', () => {
  let mesh: TestMesh | undefined
  afterEach(async () => { await mesh?.stop() })

  it('a gossip stream lost on a live connection is opened again, and messages flow once more', async () => {
    mesh = await createMeshOf(2)
    const [sender, receiver] = mesh.nodes
    const senderPubsub = sender.libp2p.services.pubsub as any
    const receiverPubsub = receiver.libp2p.services.pubsub as any
    const heard: string[] = []
    receiverPubsub.addEventListener('message', (evt: CustomEvent<Message>) => {
      if (evt.detail.topic === TOPIC) heard.push(new TextDecoder().decode(evt.detail.data))
    })
    receiverPubsub.subscribe(TOPIC)
    const receiverId = receiver.peerId.toString()
    await eventually(() => outboundGossip(senderPubsub).has(receiverId) &&
      senderPubsub.getSubscribers(TOPIC).some((p: { toString(): string }) => p.toString() === receiverId), 10_000, 'sender knows the receiver subscribed')

    // the sender's gossip stream goes; the connection stays
    const [connection] = sender.libp2p.getConnections(receiver.libp2p.peerId)
    const gossip = connection.streams.find(s => s.direction === 'outbound' && s.protocol?.startsWith('/meshsub/') === true)
    expect(gossip).toBeDefined()
    gossip?.abort(new Error('lost in the test'))
    await eventually(() => !outboundGossip(senderPubsub).has(receiverId), 5_000, 'the stream is gone')
    expect(sender.libp2p.getConnections(receiver.libp2p.peerId).length).toBeGreaterThan(0)

    let n = 0
    const publishing = setInterval(() => { void senderPubsub.publish(TOPIC, new TextEncoder().encode(`after ${n++}`)).catch(() => {}) }, 250)
    try {
      await eventually(() => heard.length > 0, HEAR_AGAIN_TIMEOUT_MS, 'the receiver hears the sender again')
    } finally {
      clearInterval(publishing)
    }
    expect(heard[0]).toMatch(/^after \d+$/)
    expect(outboundGossip(senderPubsub).has(receiverId)).toBe(true)
  }, 40_000)
})
