/**
 * Checks a client request's shape before a member acts on it: anything else
 * is refused with `InvalidArgumentError`, never thrown into the member.
 */
import { InvalidArgumentError } from '../../errors.ts'
import { MAX_KEY_BYTES } from '../kv/constants.ts'
import { MAX_ID_LENGTH } from '../raft/constants.ts'
import { toRefusal } from '../client/protocol.ts'
import type { Refusal, Request } from '../client/protocol.ts'

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isKey = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_KEY_BYTES * 4
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH

const FIELDS: Record<string, Record<string, (v: any) => boolean>> = {
  put: { key: isKey },
  delete: { key: isKey },
  cas: { key: isKey, expectedRevision: isCount },
  'session-open': { ttlMs: isCount },
  keepalive: { session: isCount },
  'session-close': { session: isCount },
  lock: { session: isCount, key: isKey, ttlMs: isCount },
  unlock: { session: isCount, key: isKey, token: isCount },
  get: { key: isKey, consistency: v => v === 'linearizable' || v === 'local' },
  status: {},
  member: { change: v => v === 'add' || v === 'remove', member: isId },
  'lock-wait': { key: isKey, revision: isCount },
  watch: { prefix: isKey, fromRevision: v => v === undefined || isCount(v) }
}
const STAMPED = new Set(['put', 'delete', 'cas', 'session-open', 'keepalive', 'session-close', 'lock', 'unlock'])

export function checkRequest (input: unknown): Request | Refusal {
  const bad = (what: string): Refusal => toRefusal(new InvalidArgumentError(`bad group request: ${what}`))
  if (typeof input !== 'object' || input == null) return bad('not an object')
  const req = input as Record<string, unknown>
  const fields = typeof req.op === 'string' ? FIELDS[req.op] : undefined
  if (fields == null) return bad(`unknown op ${String(req.op)}`)
  for (const [name, ok] of Object.entries(fields)) {
    if (!ok(req[name])) return bad(name)
  }
  if (STAMPED.has(req.op as string) && (!isId(req.client) || !isCount(req.seq))) return bad('client, seq')
  return req as Request
}
