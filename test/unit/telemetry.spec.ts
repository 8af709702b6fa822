/**
 * Unit tests of the telemetry pieces on their own: the recent figures `meshwork top` shows
 * (bounded ring, percentiles, rate window) and the Prometheus sink's bound
 * on failover reasons.
 */
import { describe, expect, it } from 'vitest'
import { createMeshMetrics, MAX_FAILOVER_REASONS } from '../../node/metrics/metrics.ts'
import { MAX_RECENT_TASKS, RATE_WINDOW_MS, RecentStats } from '../../node/metrics/stats.ts'

describe('recent stats', () => {
  it('gives percentiles of the last tasks and a rate over the window', () => {
    const stats = new RecentStats()
    const now = 1_000_000
    expect(stats.read(now)).toEqual({ tasksPerSecond: 0, p50Ms: null, p99Ms: null, failovers: 0, tasks: 0 })
    for (let i = 1; i <= 100; i++) stats.task(i / 1000, now - (i <= 50 ? 0 : RATE_WINDOW_MS + 1))
    stats.failover()
    const read = stats.read(now)
    expect(read.p50Ms).toBe(51)
    expect(read.p99Ms).toBe(100)
    expect(read.tasksPerSecond).toBe(50 / (RATE_WINDOW_MS / 1000))
    expect(read.tasks).toBe(100)
    expect(read.failovers).toBe(1)
  })

  it('keeps at most MAX_RECENT_TASKS run times, the newest', () => {
    const stats = new RecentStats()
    for (let i = 0; i < MAX_RECENT_TASKS; i++) stats.task(10, 0)
    for (let i = 0; i < MAX_RECENT_TASKS; i++) stats.task(0.001, 0)
    const read = stats.read(0)
    expect(read.tasks).toBe(2 * MAX_RECENT_TASKS)
    expect(read.p99Ms).toBe(1)
  })
})

describe('prometheus sink', () => {
  it('bounds the failover reasons it keeps as label values', async () => {
    const metrics = createMeshMetrics()
    for (let i = 0; i < MAX_FAILOVER_REASONS + 10; i++) metrics.sink.failover?.('echo', `reason ${i}`)
    const text = await metrics.text()
    const series = text.split('\n').filter(l => l.startsWith('meshwork_failovers_total{'))
    expect(series).toHaveLength(MAX_FAILOVER_REASONS + 1)
    expect(series).toContain('meshwork_failovers_total{service="echo",reason="other"} 10')
  })
})
