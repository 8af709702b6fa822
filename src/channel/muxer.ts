/**
 * yamux, with a stream's window updates sent once half of its receive
 * window is used, as go-yamux and rust-yamux do, rather than after every
 * data frame.
 *
 * `@chainsafe/libp2p-yamux` answers each data frame it reads with a
 * window-update frame. On a long-lived task channel that doubles the frames
 * of every call: the request and the reply each bring a 12-byte update
 * back, and each update is one more message for noise to seal and open and
 * one more piece for the socket. The yamux specification leaves the timing
 * of updates to the receiver; all the sender needs is credit before its
 * window runs out. Withholding the update while at least half the window
 * is left keeps that: the sender always holds credit for half a window, and
 * the update goes out from the read that takes the window below half.
 *
 * Only established streams change. Opening (SYN), acknowledging (ACK),
 * pausing and finishing go through yamux's own code as before, as does the
 * window's growth, which yamux measures between updates.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { StreamState } from '@chainsafe/libp2p-yamux/stream'
import type { YamuxMuxerInit } from '@chainsafe/libp2p-yamux'
import type { StreamMuxerFactory } from '@libp2p/interface'

/** The parts of a yamux stream this reads (its own fields, typed private there). */
interface WindowedStream {
  state: StreamState
  recvWindow?: number
  recvWindowCapacity?: number
  sendWindowUpdate: () => void
  abort: (err: Error) => void
}

/** The muxer method that makes each stream, inbound and outbound. */
interface StreamMaker {
  _newStream?: (...args: unknown[]) => WindowedStream
}

/** `yamux(init)` whose streams send window updates at half a window (see the module's comment). */
export function meshMuxer (init?: YamuxMuxerInit): () => StreamMuxerFactory {
  const factory = yamux(init)
  return () => {
    const muxers = factory()
    const createStreamMuxer = muxers.createStreamMuxer.bind(muxers)
    muxers.createStreamMuxer = (maConn) => {
      const muxer = createStreamMuxer(maConn)
      const maker = muxer as unknown as StreamMaker
      const newStream = maker._newStream
      if (typeof newStream === 'function') {
        maker._newStream = function (this: unknown, ...args: unknown[]) {
          const stream = newStream.apply(this, args)
          updateAtHalfWindow(stream)
          return stream
        }
      }
      return muxer
    }
    return muxers
  }
}

/**
 * Makes `stream` skip window updates while it is established and at least
 * half its receive window is left, and end itself when an update cannot be
 * sent because its connection is gone. A stream without the expected
 * fields (another yamux version) is left as it is.
 */
export function updateAtHalfWindow (stream: WindowedStream): void {
  const sendWindowUpdate = stream.sendWindowUpdate
  if (typeof sendWindowUpdate !== 'function' || typeof stream.recvWindow !== 'number' || typeof stream.recvWindowCapacity !== 'number') {
    return
  }
  stream.sendWindowUpdate = function (this: WindowedStream) {
    if (this.state === StreamState.Established && (this.recvWindowCapacity ?? 0) * 2 >= (this.recvWindow ?? 0)) {
      return
    }
    try {
      sendWindowUpdate.call(this)
    } catch (err: any) {
      // the connection closed under the stream (yamux sends a new stream's SYN from a microtask): end this stream, not the process
      this.abort(err)
    }
  }
}
