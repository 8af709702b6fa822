/**
 * libp2p's TCP transport with the writes one read causes sent
 * together. Below a task channel every message costs several socket
 * writes: noise hands each sealed message over as two pieces (length,
 * ciphertext), `@libp2p/tcp` writes each piece on its own, and yamux's
 * frames of a turn (a reply, the next request, other calls' frames, now and
 * then a window update: `src/channel/muxer.ts`) are each sealed and written
 * on their own.
 *
 * Here a connection's socket is corked while it handles a read, and
 * uncorked once the read's promise jobs are done (a tick queued by the
 * first of them runs after the last), so what a read makes the peer write
 * (the reply, the next request, now and then a window update) leaves in
 * one `writev`.
 * It does not wait for the other sockets' reads of the same turn: ten
 * peers in one process answering a fan-out each answer as soon as they
 * can, not all at the end of the turn.
 * A write made outside a read goes out at once, its pieces in one `writev`
 * (a fan-out's tasks to many peers cost a syscall each). The bytes and their order are
 * unchanged. Backpressure is kept: a write the socket reports full uncorks
 * at once, and the muxer waits for `drain` as before.
 */
import { tcp } from '@libp2p/tcp'
import type { TCPComponents, TCPOptions } from '@libp2p/tcp'
import type { MultiaddrConnection, Transport, Upgrader } from '@libp2p/interface'
import type { Socket } from 'node:net'

interface SendResult { sentBytes: number, canSendMore: boolean }

/** The parts of `@libp2p/tcp`'s connection this wraps (its socket, and the hook its base class writes through). */
interface SocketConnection {
  socket?: Socket
  sendData?: (data: Iterable<Uint8Array>) => SendResult
}

/** `tcp()` whose connections merge the writes one read causes (see the module's comment). */
export function corkedTcp (init?: TCPOptions): (components: TCPComponents) => Transport {
  const factory = tcp(init)
  return (components) => {
    const transport = factory(components)
    const dial = transport.dial.bind(transport)
    const createListener = transport.createListener.bind(transport)
    transport.dial = async (ma, options) => dial(ma, { ...options, upgrader: corking(options.upgrader) })
    transport.createListener = (options) => createListener({ ...options, upgrader: corking(options.upgrader) })
    return transport
  }
}

/** `upgrader`, corking each connection before it is upgraded. */
function corking (upgrader: Upgrader): Upgrader {
  return Object.create(upgrader, {
    upgradeInbound: { value: async (conn: MultiaddrConnection, options: any) => upgrader.upgradeInbound(cork(conn), options) },
    upgradeOutbound: { value: async (conn: MultiaddrConnection, options: any) => upgrader.upgradeOutbound(cork(conn), options) }
  })
}

function cork<T extends MultiaddrConnection> (conn: T): T {
  const target = conn as unknown as SocketConnection
  const socket = target.socket
  const sendData = target.sendData
  if (socket == null || sendData == null || typeof socket.cork !== 'function') {
    return conn
  }
  let corked = false
  const uncork = (): void => {
    if (corked) {
      corked = false
      socket.uncork()
    }
  }
  // corked while a read is handled: what the read makes the muxer and its streams write goes out together
  socket.prependListener('data', () => {
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      // after the read's promise jobs (a reply made from it): a microtask queued first, whose tick runs once they all ran
      queueMicrotask(() => { process.nextTick(uncork) })
    }
  })
  target.sendData = (data) => {
    if (!corked) {
      // outside a read the pieces of one message (noise's length and sealed bytes) still leave together
      socket.cork()
      try {
        return sendData.call(conn, data)
      } finally {
        socket.uncork()
      }
    }
    const result = sendData.call(conn, data)
    if (!result.canSendMore) {
      // full: let the socket drain now, as an uncorked one would
      uncork()
    }
    return result
  }
  return conn
}
