import { describe, expect, it } from 'vitest'
import { abortable } from '../../src/util/abortable.ts'

describe('abortable', () => {
  it('rejects with AbortError when the signal aborts first', async () => {
    const controller = new AbortController()
    const never = new Promise<void>(() => {})
    const waiting = abortable(never, controller.signal)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('rejects at once on an aborted signal, and passes outcomes through otherwise', async () => {
    await expect(abortable(Promise.resolve(1), AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' })
    await expect(abortable(Promise.resolve(2), new AbortController().signal)).resolves.toBe(2)
    await expect(abortable(Promise.reject(new RangeError('no')))).rejects.toMatchObject({ name: 'RangeError' })
  })
})
