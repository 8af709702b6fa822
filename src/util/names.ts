/**
 * Names callers choose (services, topics) are non-empty strings of at most
 * MAX_SERVICE_NAME_LENGTH characters.
 *
 * @example
 * ```ts
 * checkName(service, 'a service name') // throws InvalidArgumentError on '' or 300 characters
 * ```
 */
import { MAX_SERVICE_NAME_LENGTH } from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'

/** Throws InvalidArgumentError unless `name` is a non-empty string within the bound; `what` names it. */
export function checkName (name: unknown, what: string): asserts name is string {
  if (!isName(name)) {
    throw new InvalidArgumentError(`${what} is a non-empty string of at most ${MAX_SERVICE_NAME_LENGTH} characters`)
  }
}

/** Whether `name` is a non-empty string within the bound. */
export function isName (name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_SERVICE_NAME_LENGTH
}
