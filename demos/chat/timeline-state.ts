/**
 * The task timeline's model: every attempt of a task is a bar on the peer
 * that ran it, from its dispatch (or, for work this tab runs, its start) to
 * its end; a failover ends the bar on the old worker as `moved` and the
 * task goes on as a new bar on the next one, with a move between them. It
 * also counts, per peer, the tasks finished and the tokens received over
 * the last few seconds: the peer's throughput. Everything kept is bounded.
 */

/** Bars kept at most; the oldest go first. */
export const MAX_BARS = 240
/** Moves kept at most. */
export const MAX_MOVES = 64
/** Throughput is counted over this window. */
export const THROUGHPUT_WINDOW_MS = 10_000
/** Token and task times kept per peer for throughput. */
const MAX_MARKS_PER_PEER = 4096
/** Peers whose throughput is tracked at most. */
const MAX_TRACKED_PEERS = 256

export type BarState = 'running' | 'done' | 'failed' | 'moved'

export interface Bar {
  task: string
  service: string
  attempt: number
  /** The peer that ran this attempt */
  peer: string
  start: number
  end?: number
  state: BarState
  /** Whether this tab ran it (for another peer), rather than asked for it */
  served: boolean
}

export interface Move {
  task: string
  from: string
  to: string
  at: number
  reason?: string
}

export interface Throughput {
  tasksPerSecond: number
  tokensPerSecond: number
}

/** Times within the window, in a bounded ring. */
class Marks {
  private readonly times: number[] = []

  add (now: number): void {
    this.times.push(now)
    if (this.times.length > MAX_MARKS_PER_PEER) this.times.shift()
  }

  rate (now: number): number {
    while (this.times.length > 0 && now - this.times[0] > THROUGHPUT_WINDOW_MS) this.times.shift()
    return this.times.length / (THROUGHPUT_WINDOW_MS / 1000)
  }
}

export class TaskTimeline {
  readonly bars: Bar[] = []
  readonly moves: Move[] = []
  private readonly tasksDone = new Map<string, Marks>()
  private readonly tokens = new Map<string, Marks>()

  /** This tab sent attempt `attempt` of `task` to `peer`. */
  dispatched (task: string, service: string, peer: string, attempt: number, now = Date.now()): void {
    // an attempt still running elsewhere has been superseded
    const previous = this.running(task, false)
    if (previous != null && previous.peer !== peer) {
      this.moved(task, previous.peer, peer, undefined, now)
    }
    this.push({ task, service, attempt, peer, start: now, state: 'running', served: false })
  }

  /** The task left `from` for `to` (the failover event). */
  moved (task: string, from: string, to: string, reason?: string, now = Date.now()): void {
    const bar = this.bars.find(b => b.task === task && b.peer === from && !b.served && b.state === 'running')
    if (bar != null) {
      bar.state = 'moved'
      bar.end = now
    }
    const known = this.moves.find(m => m.task === task && m.from === from && m.to === to)
    if (known != null) {
      known.reason ??= reason
      return
    }
    this.moves.push({ task, from, to, at: now, reason })
    if (this.moves.length > MAX_MOVES) this.moves.shift()
  }

  /** A task this tab asked for ended. */
  done (task: string, ok: boolean, now = Date.now()): void {
    this.end(this.running(task, false), ok, now)
  }

  /** This tab (`self`) started running `task` for another peer. */
  workStarted (task: string, service: string, self: string, attempt: number, now = Date.now()): void {
    this.push({ task, service, attempt, peer: self, start: now, state: 'running', served: true })
  }

  /** This tab finished running `task`. */
  workEnded (task: string, ok: boolean, now = Date.now()): void {
    this.end(this.running(task, true), ok, now)
  }

  /** A token arrived from `peer`. */
  token (peer: string, now = Date.now()): void {
    this.marks(this.tokens, peer)?.add(now)
  }

  /** What `peer` did for this tab (or this tab for others) over the last window. */
  throughput (peer: string, now = Date.now()): Throughput {
    return {
      tasksPerSecond: this.tasksDone.get(peer)?.rate(now) ?? 0,
      tokensPerSecond: this.tokens.get(peer)?.rate(now) ?? 0
    }
  }

  private end (bar: Bar | undefined, ok: boolean, now: number): void {
    if (bar == null) return
    bar.state = ok ? 'done' : 'failed'
    bar.end = now
    if (ok) this.marks(this.tasksDone, bar.peer)?.add(now)
  }

  private running (task: string, served: boolean): Bar | undefined {
    for (let i = this.bars.length - 1; i >= 0; i--) {
      const b = this.bars[i]
      if (b.task === task && b.served === served && b.state === 'running') return b
    }
    return undefined
  }

  private push (bar: Bar): void {
    this.bars.push(bar)
    if (this.bars.length > MAX_BARS) this.bars.shift()
  }

  private marks (map: Map<string, Marks>, peer: string): Marks | undefined {
    let m = map.get(peer)
    if (m == null) {
      if (map.size >= MAX_TRACKED_PEERS) return undefined
      m = new Marks()
      map.set(peer, m)
    }
    return m
  }
}
