/**
 * A served service's slot: built from `serve()`'s options (checked here),
 * and the reservations broadcast claims make on it.
 */
import { DEFAULT_CONCURRENCY, DEFAULT_QUEUE_PER_SLOT, OFFER_RESERVATION_MS } from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import { accessCheck } from '../security/access.ts'
import { Fifo } from '../util/fifo.ts'
import { checkName } from '../util/names.ts'
import type { ServiceSlot } from './running-task.ts'
import type { Handler, ServeOptions } from '../types.ts'

/** A new slot for `name`; throws InvalidArgumentError on a bad name, handler or option. */
export function createSlot (name: string, handler: Handler, options: ServeOptions): ServiceSlot {
  checkName(name, 'a service name')
  if (typeof handler !== 'function') {
    throw new InvalidArgumentError('a handler is a function')
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError('concurrency is a positive integer')
  }
  return {
    name,
    handler,
    concurrency,
    maxQueue: options.maxQueue ?? concurrency * DEFAULT_QUEUE_PER_SLOT,
    resume: options.resume ?? 'replay',
    models: options.models ?? [],
    access: options.access != null ? accessCheck(options.access) : undefined,
    running: 0,
    queue: new Fifo(),
    reservations: new Map()
  }
}

/**
 * Reserves room in `slot` for the claimed task `key` for
 * OFFER_RESERVATION_MS, dropping expired reservations first. False when
 * running, queued and reserved tasks already fill the slot.
 */
export function reserveSlot (slot: ServiceSlot, key: string, now = Date.now()): boolean {
  for (const [held, expires] of slot.reservations) {
    if (expires < now) {
      slot.reservations.delete(held)
    }
  }
  if (slot.running + slot.queue.length + slot.reservations.size >= slot.concurrency) {
    return false
  }
  slot.reservations.set(key, now + OFFER_RESERVATION_MS)
  return true
}
