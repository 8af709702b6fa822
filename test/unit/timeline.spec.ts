/**
 * The demo's task timeline model on its own: attempts as bars on the peer
 * that ran them, a failover as the bar moving (in either order of the
 * dispatch and failover events), throughput per peer, and its bounds.
 */
import { describe, expect, it } from 'vitest'
import { MAX_BARS, TaskTimeline, THROUGHPUT_WINDOW_MS } from '../../demos/chat/timeline-state.ts'

describe('task timeline', () => {
  it('ends the bar on the old peer as moved and goes on with a bar on the new one', () => {
    const t = new TaskTimeline()
    t.dispatched('t1', 'demo-llm', 'B', 1, 1000)
    // the core emits the new attempt's dispatch, then the failover
    t.dispatched('t1', 'demo-llm', 'C', 2, 3000)
    t.moved('t1', 'B', 'C', 'peer dead', 3000)
    t.done('t1', true, 5000)
    expect(t.bars.map(b => [b.peer, b.attempt, b.state, b.start, b.end])).toEqual([
      ['B', 1, 'moved', 1000, 3000],
      ['C', 2, 'done', 3000, 5000]
    ])
    expect(t.moves).toEqual([{ task: 't1', from: 'B', to: 'C', at: 3000, reason: 'peer dead' }])
  })

  it('takes the failover event before the dispatch too', () => {
    const t = new TaskTimeline()
    t.dispatched('t1', 'demo-llm', 'B', 1, 0)
    t.moved('t1', 'B', 'C', 'stalled', 10)
    t.dispatched('t1', 'demo-llm', 'C', 2, 12)
    expect(t.bars.map(b => [b.peer, b.state])).toEqual([['B', 'moved'], ['C', 'running']])
    expect(t.moves).toHaveLength(1)
  })

  it('keeps tasks this tab served apart from the ones it asked for', () => {
    const t = new TaskTimeline()
    t.dispatched('same', 'echo', 'B', 1, 0)
    t.workStarted('same', 'echo', 'SELF', 1, 1)
    t.workEnded('same', true, 2)
    expect(t.bars.map(b => [b.peer, b.served, b.state])).toEqual([['B', false, 'running'], ['SELF', true, 'done']])
  })

  it('counts tasks and tokens per peer over the window', () => {
    const t = new TaskTimeline()
    for (let i = 0; i < 50; i++) t.token('B', 1000 + i)
    t.dispatched('t1', 'gen', 'B', 1, 900)
    t.done('t1', true, 1100)
    expect(t.throughput('B', 2000)).toEqual({ tokensPerSecond: 50 / (THROUGHPUT_WINDOW_MS / 1000), tasksPerSecond: 1 / (THROUGHPUT_WINDOW_MS / 1000) })
    expect(t.throughput('B', 2000 + THROUGHPUT_WINDOW_MS)).toEqual({ tokensPerSecond: 0, tasksPerSecond: 0 })
    expect(t.throughput('nobody')).toEqual({ tokensPerSecond: 0, tasksPerSecond: 0 })
  })

  it('keeps at most MAX_BARS bars, the newest', () => {
    const t = new TaskTimeline()
    for (let i = 0; i < MAX_BARS + 10; i++) t.dispatched(`t${i}`, 'echo', 'B', 1, i)
    expect(t.bars).toHaveLength(MAX_BARS)
    expect(t.bars[0].task).toBe('t10')
  })
})
