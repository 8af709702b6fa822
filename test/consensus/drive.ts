/**
 * Drives one core by hand for scenario tests: persist-and-advance its
 * readies and collect what it sends.
 */
import type { Message, RaftCore, ReadState } from '../../src/consensus/raft/index.ts'
import { encodeConfChange } from '../../src/consensus/raft/index.ts'
import type { Entry } from '../../src/consensus/log-types.ts'

/** Takes every ready (as if persisted at once) and returns the messages and read states */
export function drain (core: RaftCore): { messages: Message[], readStates: ReadState[], committed: Entry[] } {
  const out = { messages: [] as Message[], readStates: [] as ReadState[], committed: [] as Entry[] }
  while (core.hasReady()) {
    const rd = core.ready()
    out.messages.push(...rd.earlyMessages, ...rd.messages)
    out.readStates.push(...rd.readStates)
    out.committed.push(...rd.committedEntries)
    core.advance()
  }
  return out
}

/** The founding entries of a group, as a founder's log holds them */
export function founding (members: string[]): Entry[] {
  return [...members].sort().map((member, i) => ({ index: i + 1, term: 1, type: 'conf' as const, data: encodeConfChange({ type: 'add', member }) }))
}

/** Ticks `core` until it sends (pre-)vote requests; returns them */
export function tickUntilCampaign (core: RaftCore, maxTicks = 100): Message[] {
  for (let i = 0; i < maxTicks; i++) {
    core.tick()
    const { messages } = drain(core)
    const votes = messages.filter(m => m.type === 'vote' || m.type === 'prevote')
    if (votes.length > 0) return votes
  }
  throw new Error('no campaign')
}

/** Makes `core` (member `id` of a:b:c) leader by granting what it asks for from `voter` */
export function elect (core: RaftCore, voter: string): void {
  let requests = tickUntilCampaign(core)
  for (let round = 0; round < 2 && core.status().role !== 'leader'; round++) {
    const req = requests.find(m => m.to === voter)
    if (req === undefined) throw new Error('no request to the voter')
    core.step({ type: req.type === 'vote' ? 'vote-response' : 'prevote-response', from: voter, to: core.id, term: req.term, reject: false })
    requests = drain(core).messages.filter(m => m.type === 'vote')
  }
  if (core.status().role !== 'leader') throw new Error('not elected')
}
