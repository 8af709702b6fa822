/**
 * The task timeline: one row per peer that ran a task this tab asked for
 * (or this tab, for tasks it ran), time running left to right over the
 * last half minute, each attempt a bar on its peer's row. A failover shows
 * as the bar stopping on the old peer (marked moved) and going on in the
 * new peer's row, with a red line between them. Each row's label carries
 * the peer's throughput (tasks and tokens per second).
 */
import { shortId, svg } from './mesh-view.ts'
import type { Bar, TaskTimeline } from './timeline-state.ts'

const WIDTH = 640
const ROW_HEIGHT_PX = 26
const BAR_HEIGHT_PX = 14
const LABEL_WIDTH_PX = 150
const AXIS_HEIGHT_PX = 16
/** The time shown, back from now. */
export const TIMELINE_WINDOW_MS = 30_000
/** Rows drawn at most. */
const MAX_ROWS = 12
/** The shortest bar drawn, so a quick task is still seen. */
const MIN_BAR_PX = 3

export interface TimelineView {
  /** Redraws the timeline as of `now`. */
  draw(now?: number): void
}

/** Draws `timeline` into `root`; `self` is this tab's peer id. */
export function timelineView (root: SVGSVGElement, timeline: TaskTimeline, self: string): TimelineView {
  const plot = WIDTH - LABEL_WIDTH_PX - 8
  const draw = (now = Date.now()): void => {
    const from = now - TIMELINE_WINDOW_MS
    const x = (t: number): number => LABEL_WIDTH_PX + Math.max(0, Math.min(1, (t - from) / TIMELINE_WINDOW_MS)) * plot
    const shown = timeline.bars.filter(b => (b.end ?? now) >= from)
    const peers: string[] = []
    for (const b of shown) if (!peers.includes(b.peer) && peers.length < MAX_ROWS) peers.push(b.peer)
    const height = AXIS_HEIGHT_PX + Math.max(peers.length, 1) * ROW_HEIGHT_PX
    root.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`)
    const rowY = (peer: string): number => AXIS_HEIGHT_PX + peers.indexOf(peer) * ROW_HEIGHT_PX
    const children: SVGElement[] = []
    for (let s = 0; s <= TIMELINE_WINDOW_MS / 1000; s += 5) {
      const tick = svg('text', { class: 'tick', x: x(from + s * 1000), y: 11, 'text-anchor': 'middle' })
      tick.textContent = s === TIMELINE_WINDOW_MS / 1000 ? 'now' : `-${TIMELINE_WINDOW_MS / 1000 - s}s`
      children.push(tick)
    }
    if (peers.length === 0) {
      const empty = svg('text', { class: 'empty', x: LABEL_WIDTH_PX, y: AXIS_HEIGHT_PX + 17 })
      empty.textContent = 'no tasks yet: send a prompt'
      children.push(empty)
    }
    for (const peer of peers) {
      const y = rowY(peer)
      const row = svg('g', { class: `row${peer === self ? ' self' : ''}`, 'data-peer': peer })
      row.appendChild(svg('rect', { class: 'lane', x: LABEL_WIDTH_PX, y, width: plot, height: ROW_HEIGHT_PX - 2 }))
      const { tasksPerSecond, tokensPerSecond } = timeline.throughput(peer, now)
      const label = row.appendChild(svg('text', { class: 'row-label', x: 4, y: y + 16 }))
      label.textContent = `${peer === self ? 'this tab' : shortId(peer)}  ${tokensPerSecond.toFixed(0)} tok/s · ${tasksPerSecond.toFixed(1)} tasks/s`
      label.dataset.testid = 'timeline-throughput'
      label.dataset.tokensPerSecond = tokensPerSecond.toFixed(1)
      for (const bar of shown.filter(b => b.peer === peer)) row.appendChild(barElement(bar, x, y, now))
      children.push(row)
    }
    for (const move of timeline.moves) {
      if (move.at < from || !peers.includes(move.from) || !peers.includes(move.to)) continue
      const line = svg('line', {
        class: 'move',
        x1: x(move.at),
        y1: rowY(move.from) + ROW_HEIGHT_PX / 2,
        x2: x(move.at),
        y2: rowY(move.to) + ROW_HEIGHT_PX / 2,
        'data-task': move.task,
        'data-from': move.from,
        'data-to': move.to
      })
      line.appendChild(svg('title')).textContent = `moved ${shortId(move.from)} → ${shortId(move.to)}${move.reason != null ? ` (${move.reason})` : ''}`
      children.push(line)
    }
    root.replaceChildren(...children)
  }
  return { draw }
}

function barElement (bar: Bar, x: (t: number) => number, rowY: number, now: number): SVGRectElement {
  const x1 = x(bar.start)
  const x2 = Math.max(x(bar.end ?? now), x1 + MIN_BAR_PX)
  const rect = svg('rect', {
    class: `bar ${bar.state}${bar.served ? ' served' : ''}`,
    x: x1.toFixed(1),
    y: rowY + (ROW_HEIGHT_PX - 2 - BAR_HEIGHT_PX) / 2,
    width: (x2 - x1).toFixed(1),
    height: BAR_HEIGHT_PX,
    rx: 3,
    'data-task': bar.task,
    'data-attempt': bar.attempt,
    'data-state': bar.state,
    'data-peer': bar.peer
  })
  const took = ((bar.end ?? now) - bar.start) / 1000
  rect.appendChild(svg('title')).textContent = `${bar.service}, attempt ${bar.attempt} on ${shortId(bar.peer)}: ${bar.state}, ${took.toFixed(1)} s`
  return rect
}
