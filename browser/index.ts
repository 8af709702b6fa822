/**
 * meshwork in the browser: `createMeshNode` builds a libp2p peer for a tab
 * (WebSockets to a relay, WebRTC to other tabs and Node peers, circuit
 * relay v2 for signalling) and joins the mesh through its bootstrap peers.
 * The tab is a full peer: it asks, serves, broadcasts and publishes with
 * the same API as `meshwork/node`.
 *
 * @example
 * ```ts
 * import { createMeshNode } from 'meshwork/browser'
 *
 * const node = await createMeshNode({
 *   bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3Koo...'],
 *   allowPrivateAddresses: true // a mesh on this machine or LAN
 * })
 * node.serve('echo', async (input) => input)
 * for await (const token of node.stream('demo-llm', { prompt: 'hi' })) console.log(token)
 * ```
 */
import { logger } from '@libp2p/logger'
import { assembleMesh } from '../src/platform.ts'
import { keepDirectLinks } from './direct-links.ts'
import { patchWebRtcInitRace } from './webrtc-init-race.ts'
import { browserLibp2pOptions } from './libp2p-options.ts'
import type { DirectLinksInit } from './direct-links.ts'
import type { BrowserLibp2pInit } from './libp2p-options.ts'
import type { MeshInit, MeshNode } from '../src/types.ts'
import type { PrivateKey } from '@libp2p/interface'

export * from '../src/index.ts'
export { linkKind } from './link-kind.ts'
export type { LinkKind } from './link-kind.ts'
export type { BrowserLibp2pInit } from './libp2p-options.ts'
export type { DirectLinksInit } from './direct-links.ts'

export interface BrowserMeshInit extends MeshInit, BrowserLibp2pInit {
  /** The peer's identity; a fresh Ed25519 key by default */
  privateKey?: PrivateKey
  /** How relayed-only peers are upgraded to direct WebRTC links; `false` leaves them relayed */
  directLinks?: DirectLinksInit | false
}

/** Starts a mesh peer in a browser tab (or a Web Worker). */
export async function createMeshNode (init: BrowserMeshInit = {}): Promise<MeshNode> {
  patchWebRtcInitRace()
  return assembleMesh({
    privateKey: init.privateKey,
    libp2pOptions: (privateKey, penalties) => browserLibp2pOptions(init, privateKey, penalties),
    onLibp2p: (libp2p) => {
      if (init.directLinks !== false) {
        const links = keepDirectLinks(libp2p, logger('meshwork:direct-links'), init.directLinks)
        libp2p.addEventListener('stop', () => { links.stop() }, { once: true })
      }
    }
  }, { ...init, role: init.role ?? 'browser' })
}

// the built-in offline text model, so a tab can serve `demo-llm` itself
export {
  DEMO_LLM_SERVICE, DEFAULT_TOKEN_DELAY_MS, InvalidInputError, demoLlm, generate, nextToken,
  parseInput as parseDemoLlmInput
} from '../src/models/demo-llm.ts'
export type { DemoLlmInput, DemoLlmOptions } from '../src/models/demo-llm.ts'

// calls that survive a reload (pass as `journal`)
export { indexedDbJournal } from './journal.ts'
export type { IndexedDbJournal } from './journal.ts'
