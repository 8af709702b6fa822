/**
 * Keeps links between a tab and its peers direct, and working.
 *
 * A WebRTC set-up can fail halfway: one side counts the link as open while
 * the other gave up on it (the other side's data channels never open), so
 * streams on it hang. Each new WebRTC link is therefore probed at once (a
 * protocol negotiated over it) and closed if the probe fails.
 *
 * A peer this tab reaches only through a relay, and that has a WebRTC
 * address, gets a WebRTC dial; a failed one is tried again with backoff
 * and jitter (so two tabs do not dial each other in step), a bounded
 * number of times. Relays and peers reached over WebSockets are left alone.
 */
import {
  DEFAULT_DIRECT_CHECK_INTERVAL_MS, DEFAULT_DIRECT_DIAL_TIMEOUT_MS, DEFAULT_DIRECT_MAX_ATTEMPTS, DEFAULT_PROBE_TIMEOUT_MS
} from './constants.ts'
import { linkKind } from './link-kind.ts'
import type { Connection, Libp2p, Logger, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface DirectLinksInit {
  /** How often relayed-only peers are looked for. Default 1000 */
  checkIntervalMs?: number
  /** WebRTC dials to one peer before giving up on it. Default 5 */
  maxAttempts?: number
  /** Timeout of one WebRTC dial. Default 10000 */
  dialTimeoutMs?: number
  /** Time a new WebRTC link has to prove it carries streams. Default 4000 */
  probeTimeoutMs?: number
}

/** Protocol used to probe a link: every meshwork peer runs ping. */
const PROBE_PROTOCOL = '/ipfs/ping/1.0.0'
/** First pause after a failed dial; it doubles each time. */
const FIRST_BACKOFF_MS = 1_000

interface Attempts {
  count: number
  nextAt: number
}

export interface DirectLinks {
  stop(): void
}

export function keepDirectLinks (libp2p: Libp2p, log: Logger, init: DirectLinksInit = {}): DirectLinks {
  const checkIntervalMs = init.checkIntervalMs ?? DEFAULT_DIRECT_CHECK_INTERVAL_MS
  const maxAttempts = init.maxAttempts ?? DEFAULT_DIRECT_MAX_ATTEMPTS
  const dialTimeoutMs = init.dialTimeoutMs ?? DEFAULT_DIRECT_DIAL_TIMEOUT_MS
  const probeTimeoutMs = init.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const attempts = new Map<string, Attempts>()
  /** One check (and so one dial) at a time: a tab sets up its WebRTC links one by one */
  let busy = false

  async function probe (connection: Connection): Promise<void> {
    try {
      const stream = await connection.newStream(PROBE_PROTOCOL, { signal: AbortSignal.timeout(probeTimeoutMs) })
      stream.abort(new Error('probe done'))
    } catch (err: any) {
      if (connection.status === 'open') {
        log('closing a WebRTC link to %p that carries no streams: %s', connection.remotePeer, err.message)
        connection.abort(err)
      }
    }
  }

  const onOpen = (evt: CustomEvent<Connection>): void => {
    if (linkKind(evt.detail) === 'webrtc') {
      void probe(evt.detail)
    }
  }
  libp2p.addEventListener('connection:open', onOpen)

  async function webrtcAddr (peer: PeerId): Promise<Multiaddr | undefined> {
    try {
      const { addresses } = await libp2p.peerStore.get(peer)
      return addresses.map(a => a.multiaddr).find(ma => ma.getComponents().some(c => c.name === 'webrtc'))
    } catch {
      return undefined
    }
  }

  /** Peers connected, but only through a relay. */
  function relayedOnly (): PeerId[] {
    const byPeer = new Map<string, { peer: PeerId, direct: boolean }>()
    for (const connection of libp2p.getConnections()) {
      if (connection.status !== 'open') {
        continue
      }
      const id = connection.remotePeer.toString()
      const entry = byPeer.get(id) ?? { peer: connection.remotePeer, direct: false }
      entry.direct ||= linkKind(connection) !== 'relayed'
      byPeer.set(id, entry)
    }
    return [...byPeer.values()].filter(e => !e.direct).map(e => e.peer)
  }

  async function check (): Promise<void> {
    const now = Date.now()
    const connected = new Set<string>()
    for (const peer of relayedOnly()) {
      const id = peer.toString()
      connected.add(id)
      const tried = attempts.get(id) ?? { count: 0, nextAt: 0 }
      if (tried.count >= maxAttempts || tried.nextAt > now) {
        continue
      }
      const addr = await webrtcAddr(peer)
      if (addr == null) {
        continue
      }
      tried.count++
      attempts.set(id, tried)
      try {
        await libp2p.dial(addr, { signal: AbortSignal.timeout(dialTimeoutMs) })
        log('direct WebRTC link to %p after %d attempts', peer, tried.count)
        attempts.delete(id)
      } catch (err: any) {
        tried.nextAt = Date.now() + FIRST_BACKOFF_MS * 2 ** (tried.count - 1) * (0.5 + Math.random())
        log('WebRTC dial %d to %p failed: %s', tried.count, peer, err.message)
      }
      return
    }
    // forget peers no longer connected, so the map stays as small as the connection list
    for (const id of attempts.keys()) {
      if (!connected.has(id)) {
        attempts.delete(id)
      }
    }
  }

  const timer = setInterval(() => {
    if (busy) {
      return
    }
    busy = true
    check()
      .catch(err => { log.error('direct link check failed: %s', err.message) })
      .finally(() => { busy = false })
  }, checkIntervalMs)
  return {
    stop: () => {
      clearInterval(timer)
      libp2p.removeEventListener('connection:open', onOpen)
    }
  }
}
