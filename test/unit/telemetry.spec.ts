/**
 * Unit tests of the telemetry pieces on their own: the recent figures `meshwork top` shows
 * (bounded ring, percentiles, rate window) and the Prometheus sink's bound
 * on failover reasons, its histograms in the text format, and the default
 * trace sampler's rate limit, and the observer timing calls and tasks
 * from their start events.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMeshMetrics, MAX_FAILOVER_REASONS, MAX_SERVICES } from '../../node/metrics/metrics.ts'
import { MAX_RECENT_TASKS, RATE_WINDOW_MS, RecentStats } from '../../node/metrics/stats.ts'
import { RateLimitedSampler } from '../../node/trace-sampler.ts'
import { MAX_TIMED_TASKS, observeMesh } from '../../src/telemetry/observe.ts'

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

describe('prometheus sink figures', () => {
  it('writes cumulative histogram buckets, sum and count per service, and counters by outcome', async () => {
    const metrics = createMeshMetrics()
    for (const s of [0.0005, 0.002, 0.002, 0.3, 500]) metrics.sink.taskEnded?.('echo', 'ok', s)
    metrics.sink.taskEnded?.('echo', 'cancelled', 0.01)
    metrics.sink.callEnded?.('gen', false, 0.004)
    const lines = (await metrics.text()).split('\n')
    const value = (series: string): number => Number(lines.find(l => l.startsWith(`${series} `))?.split(' ')[1])
    expect(value('meshwork_task_duration_seconds_bucket{service="echo",le="0.001"}')).toBe(1)
    expect(value('meshwork_task_duration_seconds_bucket{service="echo",le="0.0025"}')).toBe(3)
    expect(value('meshwork_task_duration_seconds_bucket{service="echo",le="0.5"}')).toBe(5)
    expect(value('meshwork_task_duration_seconds_bucket{service="echo",le="120"}')).toBe(5)
    expect(value('meshwork_task_duration_seconds_bucket{service="echo",le="+Inf"}')).toBe(6)
    expect(value('meshwork_task_duration_seconds_count{service="echo"}')).toBe(6)
    expect(value('meshwork_task_duration_seconds_sum{service="echo"}')).toBeCloseTo(500.3145, 6)
    expect(value('meshwork_tasks_total{service="echo",outcome="ok"}')).toBe(5)
    expect(value('meshwork_tasks_total{service="echo",outcome="cancelled"}')).toBe(1)
    expect(value('meshwork_calls_total{service="gen",outcome="error"}')).toBe(1)
    expect(lines).toContain('# TYPE meshwork_task_duration_seconds histogram')
    expect(lines).toContain('# TYPE meshwork_calls_total counter')
  })

  it('bounds the services kept as label values', async () => {
    const metrics = createMeshMetrics()
    for (let i = 0; i < MAX_SERVICES + 5; i++) metrics.sink.callEnded?.(`svc${i}`, true, 0.001)
    const series = (await metrics.text()).split('\n').filter(l => l.startsWith('meshwork_calls_total{') && l.includes('outcome="ok"'))
    expect(series).toHaveLength(MAX_SERVICES + 1)
    expect(series).toContain('meshwork_calls_total{service="other",outcome="ok"} 5')
  })
})

describe('default trace sampler', () => {
  it('samples new traces up to its rate, with a burst of as many', () => {
    let now = 0
    const sampler = new RateLimitedSampler(10, () => now)
    const sampled = (): number => Array.from({ length: 100 }, () => sampler.shouldSample().decision).filter(d => d === 2).length
    expect(sampled()).toBe(10)
    now += 500
    expect(sampled()).toBe(5)
    now += 60_000
    expect(sampled()).toBe(10)
  })

  it('admit decides a root span early and its span then samples without another token', () => {
    const now = 0
    const sampler = new RateLimitedSampler(2, () => now)
    expect(sampler.admit()).toBe(true)
    expect(sampler.shouldSample().decision).toBe(2)
    expect(sampler.admit()).toBe(true)
    expect(sampler.shouldSample().decision).toBe(2)
    expect(sampler.admit()).toBe(false)
    expect(sampler.shouldSample().decision).toBe(0)
  })
})

describe('telemetry observer', () => {
  afterEach(() => { vi.useRealTimers() })

  const observed = (): { observe: ReturnType<typeof observeMesh>, ended: Array<[string, number]> } => {
    const ended: Array<[string, number]> = []
    const observe = observeMesh({ taskEnded: (_service, outcome, seconds) => { ended.push([outcome, seconds]) } })
    return { observe, ended }
  }
  const task = (taskId: string): { taskId: string, service: string, attempt: number, peerId: string } => ({ taskId, service: 'echo', attempt: 1, peerId: 'p' })

  it('times a task id started twice before it ended, its ends taking the starts oldest first', () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const { observe, ended } = observed()
    observe('work:start', task('a'))
    vi.advanceTimersByTime(300)
    observe('work:start', task('a'))
    vi.advanceTimersByTime(200)
    observe('work:end', { ...task('a'), ok: true })
    observe('work:end', { ...task('a'), ok: false, cancelled: true })
    observe('work:end', { ...task('a'), ok: false })
    expect(ended).toEqual([['ok', 0.5], ['cancelled', 0.2], ['error', 0]])
  })

  it(`keeps at most ${MAX_TIMED_TASKS} start times, dropping the oldest`, () => {
    vi.useFakeTimers({ toFake: ['performance'] })
    const { observe, ended } = observed()
    for (let i = 0; i <= MAX_TIMED_TASKS; i++) observe('work:start', task(String(i)))
    vi.advanceTimersByTime(100)
    observe('work:end', { ...task('0'), ok: true })
    observe('work:end', { ...task(String(MAX_TIMED_TASKS)), ok: true })
    observe('work:end', { ...task('1'), ok: true })
    expect(ended).toEqual([['ok', 0], ['ok', 0.1], ['ok', 0.1]])
  })
})
