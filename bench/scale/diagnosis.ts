/**
 * What a scale host reports besides convergence, to tell why a mesh is slow
 * to converge: how each peer's table stands (alive, suspect, dead, missing),
 * the presence, table-sync and dial totals of its peers, their connections and
 * presence gossip mesh, how busy the process was (event-loop delay, CPU),
 * and a trace of how knowledge spread, sampled once a second.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { PRESENCE_TOPIC } from '../../src/constants.ts'
import type { MeshNode } from 'meshwork/node'

/** Trace samples kept at most (one a second). */
const MAX_TRACE_SAMPLES = 600
const TRACE_INTERVAL_MS = 1_000

/** The internals of a mesh node this report reads. */
interface Internals {
  parts: {
    table: { all(): Iterable<{ state: string }> }
    presence: { counters: Record<string, number>, syncCounters: Record<string, number> }
    connector: { counters: Record<string, number> }
    gossipStreams: { counters: Record<string, number> }
  }
  libp2p: MeshNode['libp2p'] & { services: { pubsub: PubsubView } }
}

interface PubsubView {
  getMeshPeers(topic: string): string[]
  getSubscribers(topic: string): unknown[]
  getPeers(): Array<{ toString(): string }>
  getScore(peer: string): number
}

function spread (values: number[]): { min: number, p50: number, max: number } {
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0] ?? 0, p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 }
}

function sum (records: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v
  }
  return out
}

function tableStates (node: MeshNode): { alive: number, suspect: number, dead: number } {
  const counts = { alive: 0, suspect: 0, dead: 0 }
  for (const record of (node as unknown as Internals).parts.table.all()) {
    counts[record.state as keyof typeof counts]++
  }
  return counts
}

function scoreBands (pubsubs: PubsubView[]): { negative: number, noGossip: number, noPublish: number, worst: number } {
  const out = { negative: 0, noGossip: 0, noPublish: 0, worst: 0 }
  for (const pubsub of pubsubs) {
    for (const peer of pubsub.getPeers()) {
      const score = pubsub.getScore(peer.toString())
      if (score < 0) out.negative++
      if (score < -100) out.noGossip++
      if (score < -200) out.noPublish++
      out.worst = Math.min(out.worst, Math.round(score))
    }
  }
  return out
}

/** Follows a process's peers from the start; `report()` sums them up. */
export class ScaleDiagnosis {
  private readonly nodes: MeshNode[]
  private readonly total: number
  private readonly startedAt = performance.now()
  private readonly cpu0 = process.cpuUsage()
  private readonly delay = monitorEventLoopDelay({ resolution: 20 })
  private readonly trace: number[][] = []
  private readonly timer: ReturnType<typeof setInterval>

  constructor (nodes: MeshNode[], total: number) {
    this.nodes = nodes
    this.total = total
    this.delay.enable()
    this.timer = setInterval(() => { this.sample() }, TRACE_INTERVAL_MS)
  }

  /** [seconds, peers started, fewest alive known, median, suspect entries, dead entries, missing entries] */
  private sample (): void {
    if (this.trace.length >= MAX_TRACE_SAMPLES) {
      return
    }
    const states = this.nodes.map(tableStates)
    const alive = spread(states.map(s => s.alive))
    const seconds = Math.round((performance.now() - this.startedAt) / 100) / 10
    const missing = states.reduce((a, s) => a + Math.max(this.total - 1 - s.alive - s.suspect - s.dead, 0), 0)
    this.trace.push([seconds, this.nodes.length, alive.min, alive.p50,
      states.reduce((a, s) => a + s.suspect, 0), states.reduce((a, s) => a + s.dead, 0), missing])
  }

  report (): Record<string, unknown> {
    clearInterval(this.timer)
    this.sample()
    this.delay.disable()
    const cpu = process.cpuUsage(this.cpu0)
    const seconds = (performance.now() - this.startedAt) / 1000
    const internals = this.nodes as unknown as Internals[]
    const ms = (ns: number): number => Math.round(ns / 1e5) / 10
    return {
      cores: Math.round((cpu.user + cpu.system) / 1e4 / seconds) / 100,
      loopDelayMs: { p50: ms(this.delay.percentile(50)), p99: ms(this.delay.percentile(99)), max: ms(this.delay.max) },
      presence: sum(internals.map(n => n.parts.presence.counters)),
      sync: sum(internals.map(n => n.parts.presence.syncCounters)),
      dials: sum(internals.map(n => n.parts.connector.counters)),
      gossipStreams: sum(internals.map(n => n.parts.gossipStreams.counters)),
      connections: spread(internals.map(n => new Set(n.libp2p.getConnections().map(c => c.remotePeer.toString())).size)),
      presenceMesh: spread(internals.map(n => n.libp2p.services.pubsub.getMeshPeers(PRESENCE_TOPIC).length)),
      // gossipsub scores peers give their neighbours: below 0 no mesh, below -100 no gossip, below -200 no publish
      scores: scoreBands(internals.map(n => n.libp2p.services.pubsub)),
      presenceSubscribers: spread(internals.map(n => n.libp2p.services.pubsub.getSubscribers(PRESENCE_TOPIC).length)),
      trace: this.trace
    }
  }
}
