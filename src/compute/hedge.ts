/**
 * Hedged requests (Dean & Barroso, "The Tail at Scale", CACM 2013): when
 * the first attempt has not answered within `hedgeAfterMs`, a second goes
 * to another worker; the first answer is kept and the other attempt
 * cancelled. Only for idempotent services: both may run to completion.
 */
import { AbortError } from '../errors.ts'
import type { Call } from '../dispatch/call.ts'
import type { EncodedPayload } from '../wire/payload.ts'
import type { TaskRunner } from './task-runner.ts'

/** Resolves with the first answer of up to two attempts; rejects once every attempt started has failed. */
export async function hedged<O> (runner: TaskRunner, input: EncodedPayload, hedgeAfterMs: number, deadline: number): Promise<O> {
  const first = runner.start(input, { deadline })
  return new Promise<O>((resolve, reject) => {
    const calls = [first]
    let failure: Error | undefined
    let over = false
    const timer = setTimeout(() => {
      const worker = first.worker
      if (over || worker == null) {
        // no worker holds it yet (waiting for an offer): nowhere else to send it
        return
      }
      let backup: Call
      try {
        backup = runner.start(input, { avoid: worker, deadline })
      } catch {
        // no room for a second call: the first keeps going alone
        return
      }
      calls.push(backup)
      follow(backup)
    }, hedgeAfterMs)
    const follow = (call: Call): void => {
      call.result.then(value => {
        if (over) {
          return
        }
        over = true
        clearTimeout(timer)
        for (const other of calls) {
          if (other !== call) {
            runner.cancel(other, new AbortError('the other attempt answered first'))
          }
        }
        resolve(value as O)
      }, (err: Error) => {
        failure ??= err
        calls.splice(calls.indexOf(call), 1)
        if (!over && calls.length === 0) {
          over = true
          clearTimeout(timer)
          reject(failure)
        }
      })
    }
    follow(first)
  })
}
