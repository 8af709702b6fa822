/**
 * What every chaos peer script shares: its arguments (one JSON argument),
 * JSON event lines on stdout, and a clean stop on SIGTERM.
 */
import { hexToPsk } from './psk.ts'
import type { NodeMeshInit } from 'meshwork/node'
import type { MeshNode } from '../../src/types.ts'

export interface PeerArgs {
  bootstrap?: string[]
  host?: string
  port?: number
  /** A pre-shared key as hex (see psk.ts) */
  psk?: string
  /** Mesh options passed through (timeouts, limits) */
  mesh?: Partial<NodeMeshInit>
  [key: string]: any
}

export function peerArgs (): PeerArgs {
  const args: PeerArgs = JSON.parse(process.argv[2] ?? '{}')
  if (args.psk != null) {
    args.mesh = { ...args.mesh, psk: hexToPsk(args.psk) }
  }
  return args
}

/** Writes one event line; stdout to a pipe is synchronous on Linux, so a line written survives a SIGKILL right after. */
export function emit (event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`)
}

/** Reports this node's view of other peers' liveness. */
export function reportPeerEvents (node: MeshNode): void {
  for (const state of ['alive', 'suspect', 'dead'] as const) {
    node.addEventListener(`peer:${state}`, e => { emit({ ev: 'peer', state, peer: e.detail.peerId, at: Date.now() }) })
  }
}

export function stopOnSignal (node: MeshNode, before?: () => Promise<void>): void {
  let stopping = false
  const stop = (): void => {
    if (stopping) {
      return
    }
    stopping = true
    setTimeout(() => { process.exit(1) }, 10_000).unref()
    void (async () => {
      await before?.()
      await node.stop()
      process.exit(0)
    })()
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
