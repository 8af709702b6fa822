/**
 * Stops a child process: SIGTERM, then SIGKILL if it is still running after
 * `graceMs`. Resolves once it has exited (at once if it already had).
 *
 * @example
 * ```ts
 * const child = spawn(process.execPath, ['peer.ts'])
 * await stopChild(child)
 * ```
 */
import type { ChildProcess } from 'node:child_process'

/** How long a child gets to exit on SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 3_000

export async function stopChild (child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) {
    return
  }
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => { child.kill('SIGKILL') }, graceMs)
  await exited
  clearTimeout(timer)
}
