/**
 * The workers a call may go to next: alive, serving its service (and model),
 * not already tried for it, and the pinned one only when it is pinned.
 */
import { NoWorkersError } from '../errors.ts'
import type { Candidate } from '../types.ts'
import type { Call } from './call.ts'
import type { PeerRecord, PeerTable } from '../presence/peer-table.ts'

export function candidates (table: PeerTable, call: Call): Candidate[] {
  const out: Candidate[] = []
  for (const record of eligible(table, call)) {
    if (call.tried(record.peerId)) {
      continue
    }
    const entry = record.services.get(call.service)
    if (call.init.model != null && entry?.models.includes(call.init.model) !== true) {
      continue
    }
    out.push({
      peerId: record.peerId,
      outstanding: record.outstanding,
      load: record.load,
      capacity: entry?.concurrency ?? record.capacity,
      latencyMs: record.latencyMs
    })
  }
  return out
}

/**
 * The live workers of the call's service, or only the pinned one: a
 * fan-out pins one call to each worker, and looking the one up keeps its
 * dispatch from scanning every worker once per member.
 */
function eligible (table: PeerTable, call: Call): PeerRecord[] {
  const { pinned } = call.init
  if (pinned == null) {
    return table.workers(call.service)
  }
  const record = table.get(pinned)
  return record?.state === 'alive' && record.services.has(call.service) ? [record] : []
}

/**
 * The worker `call` goes to next: its preferred peer when that one is a
 * candidate, else the balancer's pick. With no candidate, `undefined` when
 * a broadcast claim may still find one, or the error the call ends with.
 */
export function chooseWorker (table: PeerTable, call: Call): string | Error | undefined {
  const choices = candidates(table, call)
  const { init, lastError } = call
  if (choices.length > 0) {
    const preferred = init.preferPeer != null ? choices.find(c => c.peerId === init.preferPeer) : undefined
    return (preferred ?? init.balancer.pick(choices, call.service)).peerId
  }
  if (lastError?.name === 'RateLimitedError') {
    // every worker left refused for lack of room: the mesh is full, and a broadcast claim
    // would only ask the same full workers again (and load every peer with gossip)
    return lastError
  }
  if (init.pinned != null) {
    return lastError ?? new NoWorkersError(`worker ${init.pinned} is not available`, { peerId: init.pinned })
  }
  if (init.model != null) {
    // claims carry no model, so an offer could come from a worker without it
    return lastError ?? new NoWorkersError(`no live worker serves "${call.service}" with model "${init.model}"`)
  }
  return undefined
}
