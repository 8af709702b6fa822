import { describe, expect, it } from 'vitest'
import { LazyAbort } from '../../src/util/lazy-abort.ts'

describe('LazyAbort', () => {
  it('aborts a signal made before the abort, once, with the first reason', () => {
    const abort = new LazyAbort()
    const signal = abort.signal
    const heard: unknown[] = []
    signal.addEventListener('abort', () => { heard.push(signal.reason) })
    expect(signal.aborted).toBe(false)
    const reason = new Error('cancelled')
    abort.abort(reason)
    abort.abort(new Error('again'))
    expect(abort.aborted).toBe(true)
    expect(abort.reason).toBe(reason)
    expect(heard).toEqual([reason])
    expect(abort.signal).toBe(signal)
  })

  it('hands out an already aborted signal when asked after the abort', () => {
    const abort = new LazyAbort()
    const reason = new Error('superseded')
    abort.abort(reason)
    expect(abort.signal.aborted).toBe(true)
    expect(abort.signal.reason).toBe(reason)
  })
})
