/**
 * Multiaddrs from the wire (announcements, claims): the ones that parse,
 * the malformed ones skipped.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Parses each of `addrs`, leaving out any that is malformed. */
export function parseAddrs (addrs: Uint8Array[]): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const bytes of addrs) {
    try {
      out.push(multiaddr(bytes))
    } catch {}
  }
  return out
}
