/**
 * The workers a call may go to next: alive, serving its service (and model),
 * not already tried for it, and the pinned one only when it is pinned.
 */
import type { Candidate } from '../types.ts'
import type { Call } from './call.ts'
import type { PeerTable } from '../presence/peer-table.ts'

export function candidates (table: PeerTable, call: Call): Candidate[] {
  const out: Candidate[] = []
  for (const record of table.workers(call.service)) {
    if (call.tried(record.peerId)) {
      continue
    }
    if (call.init.pinned != null && record.peerId !== call.init.pinned) {
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
