/**
 * Hostile peers: real libp2p nodes (TCP, noise, yamux, gossipsub, the same
 * options as a meshwork peer) driven by hand to speak the protocol wrongly
 * on purpose: forged announcements, unsigned gossip, frames on task
 * channels that nobody asked for.
 *
 * @example
 * ```ts
 * const evil = await hostilePeer({ bootstrap: [relay.addrs()[0]] })
 * const channel = await evil.channel(worker.peerId)
 * channel.send({ kind: KIND_TASK, task: 'x', attempt: 1, service: 'echo' })
 * ```
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub } from '@libp2p/gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { libp2pOptions } from '../../node/libp2p-options.ts'
import { TASK_PROTOCOL } from '../../src/constants.ts'
import { gossipsubOptions } from '../../src/pubsub/gossipsub-options.ts'
import { PeerPenalties } from '../../src/security/penalties.ts'
import { encodeFrame, FrameDecoder } from '../../src/wire/frame.ts'
import type { FrameInit, Frame } from '../../src/wire/frame.ts'
import type { GossipSub, GossipsubOpts } from '@libp2p/gossipsub'
import type { Libp2p, PrivateKey, Stream } from '@libp2p/interface'

export interface HostilePeer {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  key: PrivateKey
  peerId: string
  pubsub: GossipSub
  /** Opens a task stream to `peer` and returns a raw channel on it */
  channel(peer: string): Promise<RawChannel>
  stop(): Promise<void>
}

/** A task stream written by hand: frames (or any bytes) out, decoded frames in. */
export interface RawChannel {
  stream: Stream
  /** Frames received, decoded */
  received: Frame[]
  /** Writes a frame; false when the stream is no longer writable (nothing was sent) */
  send(frame: FrameInit): boolean
  sendBytes(bytes: Uint8Array): boolean
  /** Resolves when the stream closed or was reset */
  closed: Promise<void>
}

export interface HostileInit {
  bootstrap?: string[]
  /** Gossipsub options over meshwork's (e.g. `globalSignaturePolicy: 'StrictNoSign'`) */
  gossip?: Partial<GossipsubOpts>
}

export async function hostilePeer (init: HostileInit = {}): Promise<HostilePeer> {
  const key = await generateKeyPair('Ed25519')
  const penalties = new PeerPenalties()
  const options = await libp2pOptions({ webrtc: false }, key, penalties)
  options.services = { ...options.services, pubsub: gossipsub(gossipsubOptions(penalties, init.gossip)) }
  const libp2p = await createLibp2p(options) as unknown as Libp2p<{ pubsub: GossipSub }>
  for (const addr of init.bootstrap ?? []) {
    await libp2p.dial(multiaddr(addr))
  }
  return {
    libp2p,
    key,
    peerId: libp2p.peerId.toString(),
    pubsub: libp2p.services.pubsub,
    channel: async (peer) => rawChannel(await libp2p.dialProtocol(peerIdFromString(peer), TASK_PROTOCOL)),
    stop: async () => { await libp2p.stop() }
  }
}

export function rawChannel (stream: Stream): RawChannel {
  const received: Frame[] = []
  const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024 * 1024 })
  stream.addEventListener('message', (evt) => {
    try {
      received.push(...decoder.push(evt.data))
    } catch {}
  })
  const closed = new Promise<void>(resolve => { stream.addEventListener('close', () => { resolve() }) })
  const write = (bytes: Uint8Array): boolean => {
    if (stream.status !== 'open' || stream.writeStatus !== 'writable') {
      return false
    }
    stream.send(bytes)
    return true
  }
  return {
    stream,
    received,
    send: (frame) => write(encodeFrame(frame)),
    sendBytes: write,
    closed
  }
}
