/**
 * A served service's slot: built from `serve()`'s options (checked here),
 * and the reservations broadcast claims make on it.
 */
import { DEFAULT_CONCURRENCY, DEFAULT_QUEUE_PER_SLOT, MAX_RESERVATIONS_PER_REQUESTER, OFFER_RESERVATION_MS } from '../constants.ts'
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
 * Reserves room in `slot` for `requester`'s claimed task `key` for
 * OFFER_RESERVATION_MS, dropping lapsed reservations first. False when
 * running, queued and reserved tasks already fill the slot, or when the
 * requester already holds MAX_RESERVATIONS_PER_REQUESTER of its
 * reservations (a claim costs a peer nothing, so no peer may hold a slot's
 * room with claims alone).
 */
export function reserveSlot (slot: ServiceSlot, requester: string, key: string, now = Date.now()): boolean {
  dropLapsed(slot, now)
  if (slot.running + slot.queue.length + slot.reservations.size >= slot.concurrency) {
    return false
  }
  let held = 0
  for (const reservation of slot.reservations.values()) {
    if (reservation.requester === requester && ++held >= MAX_RESERVATIONS_PER_REQUESTER) {
      return false
    }
  }
  slot.reservations.set(key, { requester, expires: now + OFFER_RESERVATION_MS })
  return true
}

/** Drops `slot`'s reservations that lapsed by `now`; true when any did. */
export function dropLapsed (slot: ServiceSlot, now = Date.now()): boolean {
  let dropped = false
  if (slot.reservations.size === 0) {
    return dropped
  }
  for (const [key, { expires }] of slot.reservations) {
    if (expires <= now) {
      slot.reservations.delete(key)
      dropped = true
    }
  }
  return dropped
}

/** When `slot`'s first reservation lapses, Infinity when it holds none. */
export function firstLapse (slot: ServiceSlot): number {
  let first = Infinity
  for (const { expires } of slot.reservations.values()) {
    first = Math.min(first, expires)
  }
  return first
}
