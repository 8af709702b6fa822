/**
 * Stand-ins for one unit's neighbours: task channels that record the frames
 * sent on them, and a channel registry that hands them out.
 */
import { vi } from 'vitest'
import { FrameDecoder, encodeFrame } from '../../src/wire/frame.ts'
import type { Channels } from '../../src/channel/channels.ts'
import type { TaskChannel } from '../../src/channel/task-channel.ts'
import type { Frame, FrameInit } from '../../src/wire/frame.ts'

export interface FakeChannel extends TaskChannel {
  /** Frames sent on the channel, decoded as the peer would read them */
  sent: Frame[]
}

/** A channel to `remotePeer` that keeps what is sent on it. */
export function fakeChannel (remotePeer: string, direction: 'inbound' | 'outbound' = 'outbound'): FakeChannel {
  const decoder = new FrameDecoder({ maxFrameBytes: 1024 * 1024 })
  const sent: Frame[] = []
  const channel = {
    remotePeer,
    direction,
    sent,
    sendDelayMs: 0,
    isOpen: true,
    send (frame: FrameInit) {
      sent.push(...decoder.push(encodeFrame(frame)))
    }
  }
  return channel as unknown as FakeChannel
}

export interface FakeChannels extends Channels {
  /** The channel to each peer, made on first use */
  to(peer: string): FakeChannel
}

/** A registry whose channels are open at once (or fail, for peers in `unreachable`). */
export function fakeChannels (unreachable = new Set<string>()): FakeChannels {
  const channels = new Map<string, FakeChannel>()
  const to = (peer: string): FakeChannel => {
    let channel = channels.get(peer)
    if (channel == null) {
      channel = fakeChannel(peer)
      channels.set(peer, channel)
    }
    return channel
  }
  return {
    to,
    existing: (peer: string) => unreachable.has(peer) ? undefined : channels.get(peer),
    get: vi.fn(async (peer: string) => {
      if (unreachable.has(peer)) {
        throw new Error(`${peer} is unreachable`)
      }
      return to(peer)
    })
  } as unknown as FakeChannels
}

/** The frames of `kind` sent on `channel`. */
export function sentOf (channel: FakeChannel, kind: number): Frame[] {
  return channel.sent.filter(f => f.kind === kind)
}
