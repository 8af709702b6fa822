/**
 * Records a concurrent history as clients run it, for the checker: each
 * call notes its start, and then its output or that its outcome is unknown.
 *
 * @example
 * ```ts
 * const history = recorder()
 * const call = history.invoke('c1', { op: 'put', key: 'a', value: 1 })
 * try { call.ok(await g.put('a', 1)) } catch (err) { if (err.name === 'OutcomeUnknownError' || err.name === 'TimeoutError') call.unknown(); else call.failed() }
 * checkKv(history.operations())
 * ```
 */
import type { Operation } from './checker.ts'

export interface Call<Output> {
  /** The call returned this */
  ok(output: Output): void
  /** The call may or may not have taken effect */
  unknown(): void
  /** The call certainly did not take effect (it is left out of the history) */
  failed(): void
}

export interface Recorder<Input, Output> {
  invoke(client: string | number, input: Input): Call<Output>
  /** Every call so far; those still running count as of unknown outcome. */
  operations(): Array<Operation<Input, Output>>
}

export function recorder<Input, Output> (now: () => number = () => performance.now()): Recorder<Input, Output> {
  const ops: Array<Operation<Input, Output> | undefined> = []
  return {
    invoke (client, input) {
      const at = ops.length
      const op: Operation<Input, Output> = { input, callAt: now(), client }
      ops.push(op)
      let settled = false
      const settle = (): boolean => { const first = !settled; settled = true; return first }
      return {
        ok: output => { if (settle()) { op.output = output; op.returnAt = now() } },
        unknown: () => { settle() },
        failed: () => { if (settle()) ops[at] = undefined }
      }
    },
    operations: () => ops.filter(op => op != null).map(op => ({ ...op }))
  }
}
