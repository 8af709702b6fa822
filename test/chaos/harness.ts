/**
 * The chaos harness: a relay, N workers and a requester, each a child
 * process, a fault schedule played against the workers while the requester
 * runs its load, and one summary counted from the requester's side.
 *
 * @example
 * ```ts
 * const mesh = await startChaosMesh({ workers: 6 })
 * const summary = await runLoad(mesh, { tasks: 300 }, [{ atMs: 1000, action: 'SIGKILL', worker: 0 }])
 * console.log(formatSummary('kills', summary))
 * await mesh.stop()
 * ```
 */
import { RELAY_SCRIPT, REQUESTER_SCRIPT, WORKER_SCRIPT, killAll, spawnPeer, waitForEvent } from './proc.ts'
import { percentile } from './stats.ts'
import type { PeerArgs } from './peer-common.ts'
import type { PeerEvent, PeerProcess } from './proc.ts'

export interface ChaosMeshInit {
  workers: number
  /** Arguments every worker gets (concurrency, workMs, mesh options) */
  workerArgs?: PeerArgs
  relayArgs?: PeerArgs
  /** Namespace (and host address) of the relay and of each worker, for network tests */
  relayAt?: { netns: string, host: string }
  workerAt?: (index: number) => { netns: string, host: string } | undefined
  /** Arguments of worker `index` only, over `workerArgs` (e.g. its own listen and announce addresses) */
  workerArgsAt?: (index: number) => PeerArgs
}

export interface ChaosMesh {
  relay: PeerProcess
  /** The relay's TCP multiaddr */
  bootstrap: string
  workers: PeerProcess[]
  /** Starts one more worker (a replacement after a kill) */
  addWorker(at?: { netns: string, host: string }): Promise<PeerProcess>
  stop(): Promise<void>
}

export async function startChaosMesh (init: ChaosMeshInit): Promise<ChaosMesh> {
  const relay = await spawnPeer(RELAY_SCRIPT, { ...init.relayArgs, host: init.relayAt?.host ?? '127.0.0.1' }, { netns: init.relayAt?.netns })
  const bootstrap = relay.banner.find(l => l.startsWith('/'))
  if (bootstrap == null) {
    await killAll([relay])
    throw new Error('the relay printed no address')
  }
  const workers: PeerProcess[] = []
  const spawnWorker = async (at?: { netns: string, host: string }, own?: PeerArgs): Promise<PeerProcess> =>
    spawnPeer(WORKER_SCRIPT, { ...init.workerArgs, ...own, bootstrap: [bootstrap], host: at?.host ?? '127.0.0.1' }, { netns: at?.netns })
  const addWorker = async (at?: { netns: string, host: string }): Promise<PeerProcess> => {
    const worker = await spawnWorker(at)
    workers.push(worker)
    return worker
  }
  // workers[i] is the one started at workerAt(i), whichever came up first
  const started = await Promise.allSettled(Array.from({ length: init.workers }, async (_, i) => spawnWorker(init.workerAt?.(i), init.workerArgsAt?.(i))))
  for (const result of started) {
    if (result.status === 'fulfilled') {
      workers.push(result.value)
    }
  }
  const failed = started.find(r => r.status === 'rejected')
  if (failed != null) {
    await killAll([relay, ...workers])
    throw (failed as PromiseRejectedResult).reason
  }
  return {
    relay,
    bootstrap,
    workers,
    addWorker,
    stop: async () => { await killAll([relay, ...workers]) }
  }
}

/** One step of a fault schedule, `atMs` after the load started. */
export interface Fault {
  atMs: number
  /**
   * A signal for the worker, or a function (a network fault); a function may
   * resolve with the time (epoch ms) the fault took effect, if it waited for a moment
   */
  action: NodeJS.Signals | (() => Promise<number | void> | number | void)
  /** Index of the worker the signal goes to */
  worker?: number
  /** Workers a function fault cuts off (their deaths and reroutes are expected) */
  workers?: number[]
  /** Name in the summary, for function faults */
  name?: string
}

export interface LoadSummary {
  sent: number
  /** Outcomes that were the right, complete answer */
  completed: number
  /** Tasks with no outcome, or an error outcome */
  lost: number
  /** Tasks whose answer was wrong (a token twice, missing, or out of order) */
  wrong: number
  /**
   * Tasks the requester's node settled more than once (`task:done`), or whose
   * outcome the application was handed more than once
   */
  twice: number
  /** Handler runs on the workers beyond the dispatches the requester made (a task run twice for one dispatch) */
  extraRuns: number
  errors: Record<string, number>
  reroutes: number
  /** Time from the fault to each reroute off a faulted worker */
  rerouteMs: { p50: number, p99: number, max: number, count: number }
  /** Ids of tasks that moved off a faulted worker */
  movedTasks: Set<string>
  /** Peers declared dead that no fault touched, by observer */
  falseDeaths: Array<{ observer: string, peer: string, at: number }>
  /** Peers declared suspect that no fault touched (reroutes that were not needed) */
  falseSuspects: number
  /** Tasks whose handler ran to completion on more than one worker */
  ranTwice: number
  latencyMs: { p50: number, p99: number }
  durationMs: number
  faults: Array<{ name: string, atMs: number }>
  /** Everything the requester reported, for checks of their own */
  requesterEvents: PeerEvent[]
  requesterId: string
}

export interface LoadOptions extends PeerArgs {
  /** Where the requester runs, for network tests */
  at?: { netns: string, host: string }
  /** Give up waiting for the requester after this long */
  maxRunMs?: number
  /** Told once the requester process is up (e.g. to watch its memory) */
  onRequester?: (requester: PeerProcess) => void
}

/**
 * Runs a requester against `mesh` and plays `faults` while it runs. Resolves
 * with the summary once the requester finished every task.
 */
export async function runLoad (mesh: ChaosMesh, options: LoadOptions, faults: Fault[] = []): Promise<LoadSummary> {
  const { at, maxRunMs = 600_000, onRequester, ...args } = options
  const requester = await spawnPeer(REQUESTER_SCRIPT, {
    workers: mesh.workers.filter(w => w.alive).length,
    ...args,
    bootstrap: [mesh.bootstrap],
    host: at?.host ?? '127.0.0.1'
  }, { netns: at?.netns })
  onRequester?.(requester)
  try {
    const start = await waitForEvent(requester, e => e.ev === 'start', 30_000, 'load start')
    const faultedAt = new Map<string, number>()
    const played: Array<{ name: string, atMs: number }> = []
    const timers = faults.map(fault => setTimeout(() => {
      void (async () => {
        const worker = fault.worker != null ? mesh.workers[fault.worker] : undefined
        // from when the fault began: a network fault takes a moment to put in place
        let began = Date.now()
        if (typeof fault.action === 'string') {
          worker?.signal(fault.action)
        } else {
          began = (await fault.action()) ?? began
        }
        const now = began
        const touched = [worker, ...(fault.workers ?? []).map(k => mesh.workers[k])]
        for (const w of touched) {
          if (w != null && !faultedAt.has(w.peerId) && fault.action !== 'SIGCONT') {
            faultedAt.set(w.peerId, now)
          }
        }
        played.push({ name: fault.name ?? `${String(fault.action)} worker ${fault.worker}`, atMs: began - start.at })
      })()
    }, Math.max(start.at + fault.atMs - Date.now(), 0)))
    const end = await waitForEvent(requester, e => e.ev === 'end', maxRunMs, 'load end')
    timers.forEach(clearTimeout)
    return summarise(requester, mesh, start, end, faultedAt, played)
  } finally {
    await killAll([requester])
  }
}

function summarise (requester: PeerProcess, mesh: ChaosMesh, start: PeerEvent, end: PeerEvent, faultedAt: Map<string, number>, faults: Array<{ name: string, atMs: number }>): LoadSummary {
  const outs = requester.events.filter(e => e.ev === 'out')
  return {
    ...countOutcomes(outs, end.sent),
    twice: countTwice(requester.events),
    extraRuns: countExtraRuns(requester.events, mesh.workers, requester.peerId),
    ...countReroutes(requester.events, faultedAt),
    ...countFalseAlarms([requester, mesh.relay, ...mesh.workers], faultedAt, { peerId: requester.peerId, at: end.at }, start.at),
    ranTwice: countRanTwice(mesh.workers, requester.peerId),
    latencyMs: { p50: percentile(outs.map(o => o.ms), 0.5), p99: percentile(outs.map(o => o.ms), 0.99) },
    durationMs: end.at - start.at,
    faults,
    requesterEvents: requester.events,
    requesterId: requester.peerId
  }
}

/** Counts outcomes per task (by its first): right, wrong, failed, or never. */
export function countOutcomes (outs: PeerEvent[], sent: number): Pick<LoadSummary, 'sent' | 'completed' | 'lost' | 'wrong' | 'errors'> {
  const byTask = new Map<number, PeerEvent[]>()
  for (const out of outs) {
    byTask.set(out.i, [...(byTask.get(out.i) ?? []), out])
  }
  const errors: Record<string, number> = {}
  let completed = 0
  let wrong = 0
  for (const list of byTask.values()) {
    const first = list[0]
    if (!first.ok) {
      errors[first.err] = (errors[first.err] ?? 0) + 1
    } else if (first.right === true) {
      completed++
    } else {
      wrong++
    }
  }
  return { sent, completed, lost: sent - completed - wrong, wrong, errors }
}

function countReroutes (events: PeerEvent[], faultedAt: Map<string, number>): Pick<LoadSummary, 'reroutes' | 'rerouteMs' | 'movedTasks'> {
  const moves = events.filter(e => e.ev === 'failover')
  const off = moves.filter(m => faultedAt.has(m.from))
  const times = off.map(m => m.at - faultedAt.get(m.from)!)
  return {
    reroutes: moves.length,
    movedTasks: new Set(off.map(m => m.task)),
    rerouteMs: { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.length > 0 ? Math.max(...times) : NaN, count: times.length }
  }
}

/** Liveness verdicts on peers no fault touched, given during the run */
function countFalseAlarms (observers: PeerProcess[], faultedAt: Map<string, number>, left: { peerId: string, at: number }, since: number): Pick<LoadSummary, 'falseDeaths' | 'falseSuspects'> {
  const falseDeaths: LoadSummary['falseDeaths'] = []
  let falseSuspects = 0
  const members = new Set(observers.map(o => o.peerId))
  for (const observer of observers) {
    if (faultedAt.has(observer.peerId)) {
      // a peer cut off sees everyone else vanish: right from where it stands
      continue
    }
    for (const e of observer.events) {
      // only this run's verdicts; and the requester's own goodbye after its load ended is no verdict
      // peers of earlier runs (a requester that finished) are really gone
      if (e.ev !== 'peer' || e.at < since || !members.has(e.peer) || faultedAt.has(e.peer) || (e.peer === left.peerId && e.at >= left.at)) {
        continue
      }
      if (e.state === 'dead') {
        falseDeaths.push({ observer: observer.peerId, peer: e.peer, at: e.at })
      } else if (e.state === 'suspect') {
        falseSuspects++
      }
    }
  }
  return { falseDeaths, falseSuspects }
}

/**
 * Tasks delivered more than once: settled twice by the requester's node
 * (`done` events, by task id), or handed to the application twice (`out`
 * events, by task number).
 */
export function countTwice (events: PeerEvent[]): number {
  const over = (key: (e: PeerEvent) => string | number, ev: string): number => {
    const seen = new Map<string | number, number>()
    for (const e of events) {
      if (e.ev === ev) {
        seen.set(key(e), (seen.get(key(e)) ?? 0) + 1)
      }
    }
    return [...seen.values()].filter(n => n > 1).length
  }
  return over(e => e.task, 'done') + over(e => e.i, 'out')
}

/**
 * Tasks of `requester` whose handler began on the workers more often than
 * the requester dispatched them: work nobody asked for.
 */
export function countExtraRuns (requesterEvents: PeerEvent[], workers: PeerProcess[], requester: string): number {
  const dispatches = new Map<string, number>()
  for (const e of requesterEvents) {
    if (e.ev === 'dispatch') {
      dispatches.set(e.task, (dispatches.get(e.task) ?? 0) + 1)
    }
  }
  const runs = new Map<string, number>()
  for (const worker of workers) {
    for (const e of worker.events) {
      if (e.ev === 'began' && e.req === requester) {
        runs.set(e.task, (runs.get(e.task) ?? 0) + 1)
      }
    }
  }
  return [...runs].filter(([task, n]) => n > (dispatches.get(task) ?? 0)).length
}

/** Tasks (by requester and id) whose handler ran to completion more than once; of one requester, if given. */
export function countRanTwice (workers: PeerProcess[], requester?: string): number {
  const runs = new Map<string, number>()
  for (const worker of workers) {
    for (const e of worker.events) {
      if (e.ev === 'ran' && e.ok === true && (requester == null || e.req === requester)) {
        const key = `${e.req}/${e.task}`
        runs.set(key, (runs.get(key) ?? 0) + 1)
      }
    }
  }
  return [...runs.values()].filter(n => n > 1).length
}

/** The one-paragraph summary a chaos run prints. */
export function formatSummary (title: string, s: LoadSummary): string {
  const errors = Object.entries(s.errors).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'
  return [
    `== ${title} ==`,
    `tasks sent ${s.sent}, completed ${s.completed}, lost ${s.lost}, delivered twice ${s.twice}, wrong content ${s.wrong} (errors: ${errors})`,
    `reroutes ${s.reroutes}; off faulted workers ${s.rerouteMs.count}: p50 ${fmt(s.rerouteMs.p50)} ms, p99 ${fmt(s.rerouteMs.p99)} ms, max ${fmt(s.rerouteMs.max)} ms after the fault`,
    `false deaths ${s.falseDeaths.length}, false suspects ${s.falseSuspects}, handlers completed on two workers ${s.ranTwice}, runs beyond the dispatches ${s.extraRuns}`,
    `call latency p50 ${fmt(s.latencyMs.p50)} ms, p99 ${fmt(s.latencyMs.p99)} ms; run ${(s.durationMs / 1000).toFixed(1)} s`,
    `faults: ${s.faults.map(f => `${f.name} @${(f.atMs / 1000).toFixed(1)}s`).join(', ') || 'none'}`
  ].join('\n')
}

function fmt (n: number): string {
  return Number.isFinite(n) ? n.toFixed(0) : '-'
}
