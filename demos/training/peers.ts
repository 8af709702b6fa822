/**
 * The demo's trainer processes: each a `peer.ts` launched with this Node,
 * with an identity made beforehand (so the consensus members are known by
 * peer id before any of them starts), reporting on stdout one JSON event a
 * line.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadIdentity } from '../../node/index.ts'
import type { ChildProcess } from 'node:child_process'

const PEER = fileURLToPath(new URL('./peer.ts', import.meta.url))
const START_TIMEOUT_MS = 180_000
const STOP_GRACE_MS = 5_000

/** An event a trainer process printed. */
export interface PeerEvent {
  event: string
  trainer: string
  [key: string]: unknown
}

/** One trainer process. */
export interface TrainerProcess {
  name: string
  peerId: string
  child: ChildProcess
  /** Resolves once the peer is on the mesh (or, on standby, loaded) */
  up: Promise<void>
  /** Sends the peer a command line (`join` on standby, `go` when paused) */
  tell(command: 'join' | 'go'): void
}

/** The identity of trainer `index`, kept under `dir`. */
export async function trainerIdentity (dir: string, index: number): Promise<{ key: string, peerId: string }> {
  const key = join(dir, `trainer-${index}.key`)
  return { key, peerId: peerIdFromPrivateKey(await loadIdentity(key)).toString() }
}

/**
 * Starts trainer `index`; `onEvent` hears every event it prints. On
 * `standby` it loads and waits for `tell('join')` before it joins the mesh.
 */
export function startTrainer (index: number, identity: { key: string, peerId: string }, args: string[], onEvent: (e: PeerEvent) => void, standby = false): TrainerProcess {
  const child = spawn(process.execPath, [PEER, '--index', String(index), '--key', identity.key, ...args, ...(standby ? ['--standby'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] })
  // a command to a peer that just died is lost, as the peer is
  child.stdin?.on('error', () => {})
  const up = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`trainer-${index} did not start`)) }, START_TIMEOUT_MS)
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`trainer-${index} exited with ${code}`)) })
    createInterface({ input: child.stdout! }).on('line', line => {
      let event: PeerEvent
      try {
        event = JSON.parse(line)
      } catch {
        return
      }
      if (event.event === (standby ? 'ready' : 'peer')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve()
      }
      onEvent(event)
    })
  })
  up.catch(() => {})
  return { name: `trainer-${index}`, peerId: identity.peerId, child, up, tell: command => { if (child.stdin?.writable === true) child.stdin.write(`${command}\n`) } }
}

/** Stops the processes still running: SIGTERM, then SIGKILL after a grace period. */
export async function stopTrainers (processes: TrainerProcess[]): Promise<void> {
  await Promise.all(processes.map(async ({ child }) => {
    if (child.exitCode != null || child.signalCode != null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
  }))
}
