/**
 * `meshwork peers --mdns` has no bootstrap peer to pull a table from when
 * it starts: it waits for the first peer found on the LAN, then a little
 * longer for the others to answer too.
 */
import { setTimeout as delay } from 'node:timers/promises'
import type { MeshNode } from '../../src/types.ts'

/** The first peer is waited for this long at most. */
export const FIRST_PEER_TIMEOUT_MS = 10_000
/** After the first peer, others have this long to show up. */
export const MORE_PEERS_MS = 1_500
const POLL_MS = 100

export async function discoverPeers (node: MeshNode): Promise<void> {
  const giveUpAt = Date.now() + FIRST_PEER_TIMEOUT_MS
  while (node.peers().length === 0 && Date.now() < giveUpAt) {
    await delay(POLL_MS)
  }
  if (node.peers().length > 0) {
    await delay(MORE_PEERS_MS)
  }
}
