/**
 * Proposal dedup: the results of each client's recent proposals, so that a
 * proposal applied twice (appended again after a leader change, or
 * forwarded twice) returns its first result instead of writing twice.
 *
 * Bounded two ways: per client, the latest results by seq; across clients,
 * the least recently seen client is forgotten first. Iteration order is the
 * eviction order and travels in snapshots, so every member evicts alike.
 */
import type { KvError } from './command.ts'

export interface ClientResults {
  /** Proposals at or below this seq whose results were dropped */
  floor: number
  results: Map<number, unknown>
}

export type DedupLookup =
  | { found: true, result: unknown }
  | { found: false, expired: boolean }

export interface Dedup {
  lookup(client: string, seq: number): DedupLookup
  record(client: string, seq: number, result: unknown | KvError): void
  /** Clients, least recently seen first. */
  entries(): Array<[string, ClientResults]>
  load(entries: Array<[string, ClientResults]>): void
}

export interface DedupInit {
  maxClients: number
  maxResultsPerClient: number
}

export function dedup (init: DedupInit): Dedup {
  let clients = new Map<string, ClientResults>()
  return {
    lookup (client, seq) {
      const c = clients.get(client)
      if (c == null) {
        return { found: false, expired: false }
      }
      if (c.results.has(seq)) {
        // a duplicate is a sign of life too
        clients.delete(client)
        clients.set(client, c)
        return { found: true, result: c.results.get(seq) }
      }
      return { found: false, expired: seq <= c.floor }
    },
    record (client, seq, result) {
      let c = clients.get(client)
      if (c == null) {
        c = { floor: 0, results: new Map() }
      } else {
        clients.delete(client)
      }
      clients.set(client, c)
      c.results.set(seq, result)
      if (c.results.size > init.maxResultsPerClient) {
        let lowest = Infinity
        for (const s of c.results.keys()) lowest = Math.min(lowest, s)
        c.results.delete(lowest)
        c.floor = Math.max(c.floor, lowest)
      }
      if (clients.size > init.maxClients) {
        clients.delete(clients.keys().next().value as string)
      }
    },
    entries: () => [...clients],
    load (entries) {
      clients = new Map(entries)
    }
  }
}
