/**
 * A group handle: the `ConsensusGroup` a peer gets from
 * `node.consensus(name)`, member or client alike. Every call goes through
 * the caller (caller.ts) to the group's leader. Writes carry a client id
 * of this handle (its peer id and a random suffix, so a restart is a new
 * client) and a rising seq of that id, which the group uses to apply each
 * at most once. At most MAX_WRITES_IN_FLIGHT_PER_CLIENT_ID are in flight
 * under one id, so that dedup never forgets one still in flight; a handle
 * with more writes in flight takes another id, up to
 * MAX_CLIENT_IDS_PER_HANDLE, and past that queues them.
 */
import { InvalidArgumentError, RateLimitedError } from '../../errors.ts'
import { encodeValue } from '../kv/index.ts'
import { MAX_CLIENT_IDS_PER_HANDLE, MAX_WRITES_IN_FLIGHT_PER_CLIENT_ID, MAX_WRITES_QUEUED } from '../constants.ts'
import { Caller } from './caller.ts'
import { Locker } from './locks.ts'
import { runWatch } from './watch.ts'
import type { MeshNode } from '../../types.ts'
import type { MemberService } from '../member/service.ts'
import type { CallOptions, CasResult, ConsensusGroup, DeleteResult, GetOptions, GroupStatus, JsonValue, KeyValue, Lock, LockOptions, PutResult, WatchChange, WatchOptions } from '../types.ts'
import type { WriteRequest } from './protocol.ts'

type Stamped<T> = T extends any ? Omit<T, 'client' | 'seq'> : never

export interface GroupHandleInit {
  name: string
  service: string
  node: MeshNode
  local?: () => MemberService | undefined
}

/** A group handle, with `close()` for the node to call when it stops. */
export interface GroupHandle extends ConsensusGroup {
  close(): void
}

const checkKey = (key: unknown, what = 'key'): void => {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError(`a ${what} is a non-empty string`)
}

/** A client id of a handle: its own seq and writes in flight. */
interface ClientId {
  id: string
  seq: number
  inFlight: number
}

class Handle implements GroupHandle {
  readonly name: string
  private readonly init: GroupHandleInit
  private readonly caller: Caller
  private readonly locker: Locker
  private readonly client: string
  private readonly ids: ClientId[] = []
  /** Writes waiting for a slot, each handed one as a write ends */
  private readonly waiting: Array<(id: ClientId) => void> = []
  private readonly watches = new Set<() => void>()

  constructor (init: GroupHandleInit) {
    this.init = init
    this.name = init.name
    this.caller = new Caller(init)
    const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), b => b.toString(16).padStart(2, '0')).join('')
    this.client = `${init.node.peerId}/${suffix}`
    this.locker = new Locker({ caller: this.caller, write: async (req, options) => this.write(req, options) })
  }

  /** A slot to write under: a client id with room, a new one, or, past them all, the next that ends. */
  private async slot (): Promise<ClientId> {
    let id = this.ids.find(c => c.inFlight < MAX_WRITES_IN_FLIGHT_PER_CLIENT_ID)
    if (id == null && this.ids.length < MAX_CLIENT_IDS_PER_HANDLE) {
      id = { id: this.ids.length === 0 ? this.client : `${this.client}.${this.ids.length}`, seq: 0, inFlight: 0 }
      this.ids.push(id)
    }
    if (id != null) {
      id.inFlight++
      return id
    }
    if (this.waiting.length >= MAX_WRITES_QUEUED) throw new RateLimitedError('too many writes queued on this group handle')
    return new Promise(resolve => { this.waiting.push(resolve) })
  }

  private async write (req: Stamped<WriteRequest>, options?: CallOptions): Promise<any> {
    const id = await this.slot()
    try {
      return await this.caller.call({ ...req, client: id.id, seq: ++id.seq } as WriteRequest, options)
    } finally {
      // the slot passes to the next waiting write as it is
      const next = this.waiting.shift()
      if (next != null) next(id)
      else id.inFlight--
    }
  }

  async put (key: string, value: JsonValue, options?: CallOptions): Promise<PutResult> {
    checkKey(key)
    encodeValue(value)
    const r = await this.write({ op: 'put', key, value }, options)
    return { revision: r.revision }
  }

  async get (key: string, options: GetOptions = {}): Promise<KeyValue | undefined> {
    checkKey(key)
    const consistency = options.consistency ?? 'linearizable'
    if (consistency !== 'linearizable' && consistency !== 'local') throw new InvalidArgumentError('consistency is linearizable or local')
    const r = await this.caller.call({ op: 'get', key, consistency }, options) as KeyValue | null
    return r ?? undefined
  }

  async delete (key: string, options?: CallOptions): Promise<DeleteResult> {
    checkKey(key)
    const r = await this.write({ op: 'delete', key }, options)
    return { revision: r.revision, deleted: r.deleted }
  }

  async cas (key: string, expectedRevision: number, value: JsonValue, options?: CallOptions): Promise<CasResult> {
    checkKey(key)
    if (!Number.isSafeInteger(expectedRevision) || expectedRevision < 0) throw new InvalidArgumentError('expectedRevision is a revision, or 0 for an absent key')
    encodeValue(value)
    const r = await this.write({ op: 'cas', key, expectedRevision, value }, options)
    return { ok: r.ok, revision: r.revision }
  }

  async lock (name: string, options?: LockOptions): Promise<Lock> {
    checkKey(name, 'lock name')
    return this.locker.lock(name, options)
  }

  watch (prefix: string, onChange: (change: WatchChange) => void, options?: WatchOptions): () => void {
    if (typeof prefix !== 'string') throw new InvalidArgumentError('a watch prefix is a string')
    if (typeof onChange !== 'function') throw new InvalidArgumentError('a watch needs a function to call')
    const fromRevision = options?.fromRevision
    if (fromRevision !== undefined && (!Number.isSafeInteger(fromRevision) || fromRevision < 1)) throw new InvalidArgumentError('fromRevision is a revision from 1')
    const off = runWatch(this.init.node, this.init.service, this.caller, prefix, onChange, options)
    const end = (): void => {
      this.watches.delete(end)
      off()
    }
    this.watches.add(end)
    return end
  }

  async status (options?: CallOptions): Promise<GroupStatus> {
    const local = this.init.local?.()
    if (local != null) return local.status()
    return await this.caller.call({ op: 'status' }, options) as GroupStatus
  }

  async addMember (peerId: string, options?: CallOptions): Promise<void> {
    checkKey(peerId, 'peer id')
    await this.caller.call({ op: 'member', change: 'add', member: peerId }, options)
  }

  async removeMember (peerId: string, options?: CallOptions): Promise<void> {
    checkKey(peerId, 'peer id')
    await this.caller.call({ op: 'member', change: 'remove', member: peerId }, options)
  }

  close (): void {
    this.locker.close()
    for (const end of [...this.watches]) end()
  }
}

export function groupHandle (init: GroupHandleInit): GroupHandle {
  return new Handle(init)
}
