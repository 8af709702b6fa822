/**
 * A group handle: the `ConsensusGroup` a peer gets from
 * `node.consensus(name)`, member or client alike. Every call goes through
 * the caller (caller.ts) to the group's leader. Writes carry this handle's
 * client id (its peer id and a random suffix, so a restart is a new client)
 * and a rising seq, which the group uses to apply each at most once; at
 * most MAX_WRITES_IN_FLIGHT are in flight, so that dedup never forgets one
 * still in flight.
 */
import { InvalidArgumentError, RateLimitedError } from '../../errors.ts'
import { encodeValue } from '../kv/index.ts'
import { MAX_WRITES_IN_FLIGHT, MAX_WRITES_QUEUED } from '../constants.ts'
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

class Handle implements GroupHandle {
  readonly name: string
  private readonly init: GroupHandleInit
  private readonly caller: Caller
  private readonly locker: Locker
  private readonly client: string
  private seq = 0
  private inFlight = 0
  private readonly waiting: Array<() => void> = []
  private readonly watches = new Set<() => void>()

  constructor (init: GroupHandleInit) {
    this.init = init
    this.name = init.name
    this.caller = new Caller(init)
    const suffix = Array.from(crypto.getRandomValues(new Uint8Array(6)), b => b.toString(16).padStart(2, '0')).join('')
    this.client = `${init.node.peerId}/${suffix}`
    this.locker = new Locker({ caller: this.caller, write: async (req, options) => this.write(req, options) })
  }

  private async write (req: Stamped<WriteRequest>, options?: CallOptions): Promise<any> {
    if (this.inFlight >= MAX_WRITES_IN_FLIGHT) {
      if (this.waiting.length >= MAX_WRITES_QUEUED) throw new RateLimitedError('too many writes queued on this group handle')
      await new Promise<void>(resolve => { this.waiting.push(resolve) })
    }
    this.inFlight++
    try {
      return await this.caller.call({ ...req, client: this.client, seq: ++this.seq } as WriteRequest, options)
    } finally {
      this.inFlight--
      this.waiting.shift()?.()
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
