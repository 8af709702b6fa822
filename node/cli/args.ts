/**
 * Shared pieces of the command line: option parsing, where the bootstrap
 * address comes from, and how INPUT is read.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'

/** Written by `meshwork start`, read by the other commands when --bootstrap is left out. */
export const BOOTSTRAP_FILE = join('.meshwork', 'bootstrap')

/** A mistake in how a command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>> (argv: string[], options: T, allowPositionals = false): { values: any, positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true })
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

export function integer (value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value == null) {
    return fallback
  }
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} takes an integer >= ${min}, not "${value}"`)
  }
  return n
}

/** Usage line of `--mdns`, shared by the commands that take it. */
export const MDNS_USAGE = '  --mdns                find peers on the LAN over mDNS, with no --bootstrap (then listens on 0.0.0.0)'

/**
 * --bootstrap values, else $MESHWORK_BOOTSTRAP, else the file `meshwork start`
 * wrote here; with `mdns` (peers are found on the LAN) none is fine.
 */
export function bootstrapAddrs (given: string[] | undefined, mdns = false): string[] {
  if (given != null && given.length > 0) {
    return given
  }
  const env = process.env.MESHWORK_BOOTSTRAP
  if (env != null && env.trim() !== '') {
    return env.split(',').map(s => s.trim()).filter(Boolean)
  }
  if (existsSync(BOOTSTRAP_FILE)) {
    return readFileSync(BOOTSTRAP_FILE, 'utf8').split('\n').map(s => s.trim()).filter(Boolean)
  }
  if (mdns) {
    return []
  }
  throw new UsageError('no --bootstrap address (nor $MESHWORK_BOOTSTRAP, nor a running `meshwork start` in this folder)')
}

/** INPUT as JSON when it parses, else as a plain string. */
export function parseInput (text: string | undefined): unknown {
  if (text == null) {
    return null
  }
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** How a reply or chunk is printed: strings as they are, the rest as JSON. */
export function format (value: unknown): string {
  if (typeof value === 'string') {
    return value
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64')
  }
  return JSON.stringify(value) ?? 'null'
}
