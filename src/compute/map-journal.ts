/**
 * A journaled `map` job's state, so that the job survives a restart of its
 * requester: the job itself (service, size, a digest of its inputs and a
 * nonce that names its task calls) and each result as it is handed over sit
 * in the journal's job store; the tasks in flight are ordinary journaled
 * calls (with their worker noted), named after the job so that `recover()`
 * leaves them to it. Re-opening the job reads all three back.
 */
import { InvalidArgumentError, ProtocolError } from '../errors.ts'
import { decodePayload, encodePayload } from '../wire/payload.ts'
import type { JobStore, Journal } from '../journal/journal.ts'
import type { EncodedPayload } from '../wire/payload.ts'

/** Ids of a journaled job's task calls start with this (ordinary call ids never hold a dot). */
export const MAP_TASK_ID_PREFIX = 'map.'

/** A task of the job that was in flight when its requester went down. */
export interface InFlightTask {
  /** The call id: the worker's result cache knows the task by it */
  id: string
  /** The worker it was last sent to */
  worker?: string
}

/** A result the journal holds. */
export interface SavedResult {
  value: unknown
  peerId: string
  /** An iterator yielded it */
  taken: boolean
}

/** What a re-opened job finds. */
export interface ResumedJob {
  /** Results that came in before, by task index */
  results: Map<number, SavedResult>
  /** Calls still recorded, by task index */
  inFlight: Map<number, InFlightTask>
}

interface JobMeta {
  service: string
  total: number
  digest: string
  nonce: string
}

export interface MapJournalInit {
  id: string
  service: string
  journal: Journal
  jobs: JobStore
  inputs: EncodedPayload[]
  /** The job ended (forgotten, or kept for a restart) */
  closed?: () => void
}

export class MapJournal {
  private readonly init: MapJournalInit
  private readonly prefix: string
  private nonce = ''
  private backups = 0

  constructor (init: MapJournalInit) {
    this.init = init
    // the id is encoded, so no job's keys start with another job's prefix
    this.prefix = `${encodeURIComponent(init.id)}/`
  }

  /** The call id of task `index`: its first attempt, or a new backup. */
  taskId (index: number, backup: boolean): string {
    const id = `${MAP_TASK_ID_PREFIX}${this.nonce}.${index}`
    return backup ? `${id}.${(this.backups++).toString(36)}` : id
  }

  /**
   * Records the job, or reads back the one recorded under this id. Rejects
   * with InvalidArgumentError when that one has another service or other inputs.
   */
  async open (): Promise<ResumedJob> {
    const { jobs, service, inputs } = this.init
    const digest = digestInputs(inputs)
    const entries = await jobs.list(this.prefix)
    const metaEntry = entries.find(e => e.key === `${this.prefix}job`)
    if (metaEntry == null) {
      this.nonce = newNonce()
      const meta: JobMeta = { service, total: inputs.length, digest, nonce: this.nonce }
      await jobs.put(`${this.prefix}job`, new TextEncoder().encode(JSON.stringify(meta)))
      return { results: new Map(), inFlight: new Map() }
    }
    const meta = decodeMeta(metaEntry.value)
    if (meta.service !== service || meta.total !== inputs.length || meta.digest !== digest) {
      throw new InvalidArgumentError(`job "${this.init.id}" was recorded with another service or other inputs`)
    }
    this.nonce = meta.nonce
    const results = new Map<number, SavedResult>()
    const taken = new Set<string>()
    for (const { key, value } of entries) {
      if (key.startsWith(`${this.prefix}r/`)) {
        results.set(Number(key.slice(this.prefix.length + 2)), { ...decodeResult(value), taken: false })
      } else if (key.startsWith(`${this.prefix}t/`)) {
        taken.add(key.slice(this.prefix.length + 2))
      }
    }
    for (const [index, result] of results) {
      result.taken = taken.has(String(index))
    }
    return { results, inFlight: await this.inFlight(results) }
  }

  /** Records a task's result; the job hands it over once this resolved. */
  async saved (index: number, value: unknown, peerId: string): Promise<void> {
    await this.init.jobs.put(`${this.prefix}r/${index}`, encodeResult(value, peerId))
  }

  /** Records that an iterator yielded task `index`'s result. */
  async taken (index: number): Promise<void> {
    await this.init.jobs.put(`${this.prefix}t/${index}`, new Uint8Array(0))
  }

  /** Forgets the job (it ended); a later `map` with its id starts afresh. */
  async forget (): Promise<void> {
    try {
      await this.init.jobs.clear(this.prefix)
    } finally {
      this.close()
    }
  }

  /** The job stopped running here; the journal keeps it (the node stopped). */
  close (): void {
    this.init.closed?.()
  }

  /**
   * The job's calls still recorded: one per task, the one whose worker is
   * known first; the others (a backup, or a task whose result is in) are
   * forgotten.
   */
  private async inFlight (results: Map<number, SavedResult>): Promise<Map<number, InFlightTask>> {
    const { journal } = this.init
    const mine = `${MAP_TASK_ID_PREFIX}${this.nonce}.`
    const out = new Map<number, InFlightTask>()
    const extra: string[] = []
    for (const record of await journal.pending()) {
      if (!record.id.startsWith(mine)) {
        continue
      }
      const index = Number(record.id.slice(mine.length).split('.')[0])
      const held = out.get(index)
      if (results.has(index) || !Number.isInteger(index) || (held != null && (held.worker != null || record.worker == null))) {
        extra.push(record.id)
        continue
      }
      if (held != null) {
        extra.push(held.id)
      }
      out.set(index, { id: record.id, worker: record.worker })
    }
    await Promise.all(extra.map(async id => { await journal.remove(id) }))
    return out
  }
}

function newNonce (): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), b => b.toString(16).padStart(2, '0')).join('')
}

/** FNV-1a over every input's codec, length and bytes: tells a job's inputs from other inputs (not from an adversary). */
function digestInputs (inputs: EncodedPayload[]): string {
  let hash = 0x811c9dc5
  const mix = (byte: number): void => {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  for (const { data, codec } of inputs) {
    mix(codec)
    for (let shift = 0; shift < 32; shift += 8) {
      mix((data.byteLength >>> shift) & 0xff)
    }
    for (let i = 0; i < data.byteLength; i++) {
      mix(data[i])
    }
  }
  return `${inputs.length}:${hash.toString(16)}`
}

function decodeMeta (bytes: Uint8Array): JobMeta {
  try {
    const meta = JSON.parse(new TextDecoder().decode(bytes))
    if (typeof meta.service === 'string' && typeof meta.total === 'number' && typeof meta.digest === 'string' && typeof meta.nonce === 'string') {
      return meta
    }
  } catch {}
  throw new ProtocolError('corrupt job record in the journal')
}

/** A result as kept: its codec, its peer id's length and bytes, then the payload. */
function encodeResult (value: unknown, peerId: string): Uint8Array {
  const { data, codec } = encodePayload(value)
  const peer = new TextEncoder().encode(peerId)
  if (peer.byteLength > 255) {
    throw new InvalidArgumentError('a peer id longer than 255 bytes')
  }
  const bytes = new Uint8Array(2 + peer.byteLength + data.byteLength)
  bytes[0] = codec
  bytes[1] = peer.byteLength
  bytes.set(peer, 2)
  bytes.set(data, 2 + peer.byteLength)
  return bytes
}

function decodeResult (bytes: Uint8Array): { value: unknown, peerId: string } {
  if (bytes.byteLength < 2 || bytes.byteLength < 2 + bytes[1]) {
    throw new ProtocolError('corrupt job result in the journal')
  }
  const end = 2 + bytes[1]
  return { peerId: new TextDecoder().decode(bytes.subarray(2, end)), value: decodePayload(bytes.subarray(end), bytes[0]) }
}
