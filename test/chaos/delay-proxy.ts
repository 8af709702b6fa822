/**
 * A TCP proxy that delays every byte by a fixed time in each direction, in
 * order: latency for tests on machines where `tc netem` is not available.
 * Bounded: a side with more than `maxPendingBytes` in flight is paused
 * until the far side has taken them.
 *
 * @example
 * ```ts
 * const proxy = await delayProxy({ target: { host: '127.0.0.1', port: 4001 }, delayMs: 100 })
 * // dial 127.0.0.1:proxy.port instead of 4001: 200 ms round trip
 * await proxy.close()
 * ```
 */
import { createServer, connect } from 'node:net'
import type { Socket } from 'node:net'

export interface DelayProxyInit {
  target: { host: string, port: number }
  /** One-way delay added to every byte */
  delayMs: number
  host?: string
  /** Port to listen on; 0 for any */
  port?: number
  maxPendingBytes?: number
}

export interface DelayProxy {
  port: number
  close(): Promise<void>
}

const DEFAULT_MAX_PENDING_BYTES = 4 * 1024 * 1024

/** Pipes `from` into `to`, each chunk `delayMs` late. */
function delayed (from: Socket, to: Socket, delayMs: number, maxPending: number): void {
  let pending = 0
  from.on('data', (chunk: Buffer) => {
    pending += chunk.byteLength
    if (pending > maxPending) {
      from.pause()
    }
    setTimeout(() => {
      pending -= chunk.byteLength
      if (!to.destroyed) {
        to.write(chunk)
      }
      if (pending <= maxPending && from.isPaused()) {
        from.resume()
      }
    }, delayMs)
  })
  from.on('end', () => { setTimeout(() => { to.end() }, delayMs) })
  from.on('error', () => { setTimeout(() => { to.destroy() }, delayMs) })
  from.on('close', () => { setTimeout(() => { to.destroy() }, delayMs + 1) })
}

export async function delayProxy (init: DelayProxyInit): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const maxPending = init.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES
  const server = createServer(client => {
    const upstream = connect(init.target.port, init.target.host)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('close', () => { sockets.delete(s) })
    }
    delayed(client, upstream, init.delayMs, maxPending)
    delayed(upstream, client, init.delayMs, maxPending)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port ?? 0, init.host ?? '127.0.0.1', () => { resolve() })
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address != null ? address.port : 0,
    close: async () => {
      for (const s of sockets) {
        s.destroy()
      }
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}

/** A free TCP port on `host` (free when asked; good enough for tests). */
export async function freePort (host = '127.0.0.1'): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => { server.listen(0, host, () => { resolve() }) })
  const address = server.address()
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  return typeof address === 'object' && address != null ? address.port : 0
}
