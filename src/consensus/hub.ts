/**
 * The consensus groups of one mesh node: `node.consensus(name, init)` opens
 * a handle on a group, and, when the node is listed in `members`, starts its
 * member (storage from the platform, the Raft transport shared by all its
 * groups, the group's client service on the mesh). Raft messages from a
 * peer that is not a member of the group, or that are malformed, are
 * refused and count against the sender.
 */
import { InvalidArgumentError, NotMemberError, OutcomeUnknownError, ProtocolError } from '../errors.ts'
import { DEFAULT_CALL_TIMEOUT_MS, groupService, MEMBER_SERVICE_CONCURRENCY, MAX_RAFT_FRAME_BYTES } from './constants.ts'
import { toRefusal, WRITE_OPS } from './client/protocol.ts'
import type { Answer, Request } from './client/protocol.ts'
import { groupHandle } from './client/group.ts'
import { startMember } from './member/runner.ts'
import { memberService } from './member/service.ts'
import { raftTransport } from './transport/transport.ts'
import type { GroupHandle } from './client/group.ts'
import type { Member } from './member/runner.ts'
import type { MemberService } from './member/service.ts'
import type { RaftTransport } from './transport/transport.ts'
import type { RaftStorageFactory } from './storage/factory.ts'
import type { ConsensusGroup, ConsensusGroupInit } from './types.ts'
import type { MeshNode } from '../types.ts'
import type { Libp2p, Logger } from '@libp2p/interface'

/** Longest group name. */
const MAX_GROUP_NAME_LENGTH = 128

export interface ConsensusHubInit {
  node: MeshNode
  libp2p: Libp2p
  log: Logger
  /** Where members keep their state; none: this platform hosts no members */
  storage?: RaftStorageFactory
  /** A peer broke the protocol (penalise it) */
  onViolation(peer: string): void
  /** Whether to refuse a peer's streams outright */
  refuse?(peer: string): boolean
}

interface Open {
  handle: GroupHandle
  member?: Member
  service?: MemberService
}

export class ConsensusHub {
  private readonly init: ConsensusHubInit
  private readonly groups = new Map<string, Promise<Open>>()
  private transport?: RaftTransport
  private stopped = false

  constructor (init: ConsensusHubInit) {
    this.init = init
  }

  async open (name: string, init: ConsensusGroupInit = {}): Promise<ConsensusGroup> {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_GROUP_NAME_LENGTH) {
      throw new InvalidArgumentError(`a group name is a string of 1 to ${MAX_GROUP_NAME_LENGTH} characters`)
    }
    const members = init.members
    if (members !== undefined && (!Array.isArray(members) || members.some(m => typeof m !== 'string' || m.length === 0))) {
      throw new InvalidArgumentError('members is a list of peer ids')
    }
    for (const field of ['snapshotEntries', 'historyChanges'] as const) {
      const n = init[field]
      if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) throw new InvalidArgumentError(`${field} is a positive integer`)
    }
    const asMember = members?.includes(this.init.node.peerId) === true
    const existing = this.groups.get(name)
    if (existing != null) {
      const open = await existing
      if (asMember && open.member == null) throw new InvalidArgumentError(`group ${name} is already open on this peer as a client`)
      return open.handle
    }
    const opening = this.start(name, init, asMember)
    this.groups.set(name, opening)
    opening.catch(() => { this.groups.delete(name) })
    return (await opening).handle
  }

  private async start (name: string, init: ConsensusGroupInit, asMember: boolean): Promise<Open> {
    const open: Open = {
      handle: groupHandle({ name, service: groupService(name), node: this.init.node, local: () => open.service })
    }
    if (!asMember) return open
    if (this.init.storage == null) throw new InvalidArgumentError('this platform can be a client of a group, not a member (members run on Node)')
    const storage = await this.init.storage(name, init.dataDir)
    const transport = await this.startTransport()
    open.member = await startMember({
      id: this.init.node.peerId,
      group: name,
      members: init.members ?? [],
      join: init.join,
      storage,
      send: (messages) => { transport.send(name, messages) },
      log: this.init.log,
      tickMs: init.tickMs,
      electionTicks: init.electionTicks,
      snapshotEntries: init.snapshotEntries,
      historyChanges: init.historyChanges
    })
    const service = memberService(open.member, async (leader, req, signal) => this.forward(name, leader, req, signal))
    open.service = service
    this.init.node.serve<unknown, unknown>(groupService(name), (input, ctx) => service.handle(input, ctx.signal), {
      concurrency: MEMBER_SERVICE_CONCURRENCY,
      maxQueue: MEMBER_SERVICE_CONCURRENCY * 4
    })
    return open
  }

  /** A follower asks the leader for a client that cannot reach it; the answer goes back as it is. */
  private async forward (name: string, leader: string, req: Request, signal: AbortSignal): Promise<Answer> {
    try {
      return await this.init.node.request<Answer>(groupService(name), req, { preferPeer: leader, maxAttempts: 1, signal, timeoutMs: DEFAULT_CALL_TIMEOUT_MS })
    } catch (err: any) {
      if (WRITE_OPS.has(req.op) || req.op === 'member') {
        return toRefusal(new OutcomeUnknownError(`the write was forwarded to ${leader} and no answer came: ${err.message}`, { cause: err }))
      }
      return { ...toRefusal(err), redirect: true }
    }
  }

  private async startTransport (): Promise<RaftTransport> {
    if (this.transport == null) {
      this.transport = raftTransport({
        libp2p: this.init.libp2p,
        log: this.init.log,
        maxFrameBytes: MAX_RAFT_FRAME_BYTES,
        refuse: this.init.refuse,
        onViolation: (peer, err) => { this.violation(peer, err) },
        onMessages: (group, from, messages) => { this.deliver(group, from, messages) }
      })
      await this.transport.start()
    }
    return this.transport
  }

  private violation (peer: string, err: Error): void {
    this.init.log('raft: refusing what %s sent: %s', peer, err.message)
    this.init.onViolation(peer)
  }

  private deliver (group: string, from: string, messages: Array<{ from: string }>): void {
    const pending = this.groups.get(group)
    if (pending == null) {
      this.violation(from, new NotMemberError(`this peer is no member of group ${group}`))
      return
    }
    pending.then(open => {
      const member = open.member
      if (member == null) {
        this.violation(from, new NotMemberError(`this peer is no member of group ${group}`))
        return
      }
      if (!member.accepts(from)) {
        this.violation(from, new NotMemberError(`${from} is no member of group ${group}`, { peerId: from }))
        return
      }
      if (messages.some(m => m.from !== from)) {
        this.violation(from, new ProtocolError('raft messages in the name of another member', { peerId: from }))
        return
      }
      const bad = member.step(messages as any)
      if (bad != null) this.violation(from, bad)
    }, () => {})
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    const groups = await Promise.allSettled([...this.groups.values()])
    for (const g of groups) {
      if (g.status !== 'fulfilled') continue
      g.value.handle.close()
      if (g.value.member != null) {
        this.init.node.unserve(groupService(g.value.handle.name))
        await g.value.member.stop().catch(() => {})
      }
    }
    await this.transport?.stop()
  }
}
