/**
 * What every chaos peer script shares: its arguments (one JSON argument),
 * JSON event lines on stdout, and a clean stop on SIGTERM.
 */
import { existsSync, openSync, readFileSync, writeSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { hexToPsk } from './psk.ts'
import type { NodeMeshInit } from '../../node/index.ts'
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

/**
 * Writes one event line to stdout. A pipe may take it asynchronously, so
 * events that must survive a SIGKILL right after (what the application was
 * handed) also go, synchronously, to `record` (see `recordTo`).
 */
export function emit (event: Record<string, unknown>): void {
  const line = `${JSON.stringify(event)}\n`
  // the record first: a write to a full pipe may block, and a SIGKILL then must not cost the record
  if (recordFd != null) {
    writeSync(recordFd, line)
  }
  process.stdout.write(line)
}

let recordFd: number | undefined

/** Also appends every event, synchronously, to `file`. */
export function recordTo (file: string): void {
  recordFd = openSync(file, 'a')
}

/** The events a process appended to `file` (see `recordTo`). */
export function readRecord (file: string): Array<Record<string, any>> {
  if (!existsSync(file)) {
    return []
  }
  const lines = readFileSync(file, 'utf8').split('\n')
  lines.pop()
  return lines.map(line => JSON.parse(line))
}

/** Reports this node's view of other peers' liveness. */
export function reportPeerEvents (node: MeshNode): void {
  reportLag()
  for (const state of ['alive', 'suspect', 'dead'] as const) {
    node.addEventListener(`peer:${state}`, e => { emit({ ev: 'peer', state, peer: e.detail.peerId, at: Date.now() }) })
  }
}

/** Reports, once a second, how late this process's event loop ran (max and p99 in ms). */
export function reportLag (): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 })
  histogram.enable()
  setInterval(() => {
    emit({ ev: 'lag', max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, at: Date.now() })
    histogram.reset()
  }, 1_000).unref()
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
