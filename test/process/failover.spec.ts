/**
 * A relay and four workers as real processes; a requester with 300 requests
 * and 50 streams in flight; one worker SIGKILLed and one SIGSTOPped while
 * they run. Everything completes once, with the right content, and the
 * tasks move within the design's bounds (loose, in seconds). The stopped
 * worker, woken, is alive again and takes new work. (That a woken worker's
 * late output is discarded is shown by test/chaos/silent-death.spec.ts,
 * which stops its worker at a moment it is sure to send some.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { generate } from '../../src/models/demo-llm.ts'
import { startRelay, startWorker } from '../helpers/cli.ts'
import type { CliProcess } from '../helpers/cli.ts'
import type { MeshNode, TaskEvent } from '../../src/types.ts'

const REQUESTS = 300
const STREAMS = 50
/**
 * Design bounds, loose (a shared machine): a silent worker is suspect after
 * 1.5 s (keepalive 500 ms, default heartbeat; 3 s is the chaos run's bound);
 * a killed one is noticed by its connection closing, and never later than a
 * silent one. Far below the calls' 60 s deadline a lost failover would wait for.
 */
const STOP_REROUTE_BOUND_MS = 5_000
const KILL_REROUTE_BOUND_MS = STOP_REROUTE_BOUND_MS
/** A woken worker speaks within a presence refresh (5 s); loose, far below the test's timeout */
const RETURN_BOUND_MS = 20_000
const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

describe('workers killed and stopped under load', () => {
  let relay: CliProcess & { tcp: string }
  let workers: CliProcess[]
  let requester: MeshNode

  beforeAll(async () => {
    relay = await startRelay()
    // each worker is kept as it comes up, so a failed start still kills the others
    workers = []
    await Promise.all(Array.from({ length: 4 }, async () => {
      workers.push(await startWorker(relay.tcp, ['--service', 'demo-llm', '--handler', 'demo-llm', '--concurrency', '64', '--token-delay-ms', '20']))
    }))
    requester = await createMeshNode({ bootstrap: [relay.tcp], webrtc: false })
    await requester.waitForWorkers('demo-llm', 4, { timeoutMs: 20_000 })
  })

  afterAll(async () => {
    await requester?.stop()
    for (const w of workers ?? []) {
      w.kill('SIGCONT')
      w.kill('SIGKILL')
    }
    relay?.kill('SIGKILL')
  })

  it('every request and stream completes exactly once, streams without a duplicate or missing token', async () => {
    const moves: Array<TaskEvent & { at: number }> = []
    requester.addEventListener('task:failover', e => { moves.push({ ...e.detail, at: Date.now() }) })
    const done = new Map<string, number>()
    requester.addEventListener('task:done', e => { done.set(e.detail.taskId, (done.get(e.detail.taskId) ?? 0) + 1) })

    const requests = Array.from({ length: REQUESTS }, async (_, i) => {
      const input = { prompt: `request ${i}`, maxTokens: 10 + (i % 20) }
      const tokens = await requester.request<string[]>('demo-llm', input, { timeoutMs: 60_000 })
      return { i, ok: JSON.stringify(tokens) === JSON.stringify(generate(input.prompt, input.maxTokens)) }
    })
    const streams = Array.from({ length: STREAMS }, async (_, i) => {
      const input = { prompt: `stream ${i}`, maxTokens: 80 }
      const tokens: string[] = []
      for await (const token of requester.stream<string>('demo-llm', input, { timeoutMs: 60_000 })) {
        tokens.push(token)
      }
      return { i, tokens, expected: generate(input.prompt, input.maxTokens) }
    })

    // let every worker get work, then kill one and freeze another mid-stream
    await new Promise(resolve => setTimeout(resolve, 600))
    const [killed, stopped] = workers
    const killedAt = Date.now()
    killed.kill('SIGKILL')
    const stoppedAt = Date.now()
    stopped.kill('SIGSTOP')

    const requestResults = await Promise.all(requests)
    const streamResults = await Promise.all(streams)

    expect(requestResults.filter(r => !r.ok)).toEqual([])
    for (const s of streamResults) {
      expect(s.tokens).toEqual(s.expected)
    }
    expect(done.size).toBe(REQUESTS + STREAMS)
    expect([...done.values()].every(n => n === 1)).toBe(true)

    const afterKill = moves.filter(m => m.from === killed.peerId).map(m => m.at - killedAt)
    const afterStop = moves.filter(m => m.from === stopped.peerId).map(m => m.at - stoppedAt)
    expect(afterKill.length).toBeGreaterThan(0)
    expect(afterStop.length).toBeGreaterThan(0)
    console.log(`reroutes after SIGKILL: ${afterKill.length} tasks, p50 ${percentile(afterKill, 0.5)} ms, max ${Math.max(...afterKill)} ms`)
    console.log(`reroutes after SIGSTOP: ${afterStop.length} tasks, p50 ${percentile(afterStop, 0.5)} ms, max ${Math.max(...afterStop)} ms`)
    expect(Math.max(...afterKill)).toBeLessThanOrEqual(KILL_REROUTE_BOUND_MS)
    expect(Math.max(...afterStop)).toBeLessThanOrEqual(STOP_REROUTE_BOUND_MS)
  })

  it('the stopped worker comes back alive after SIGCONT and takes new work', async () => {
    const stopped = workers[1]
    const alive = new Promise<void>(resolve => {
      requester.addEventListener('peer:alive', e => { if (e.detail.peerId === stopped.peerId) resolve() })
    })
    const stateOf = (): string | undefined => requester.peers().find(p => p.peerId === stopped.peerId)?.state
    const before = stateOf()
    stopped.kill('SIGCONT')
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => { reject(new Error(`no peer:alive within ${RETURN_BOUND_MS} ms of SIGCONT: the worker was ${before} then, ${stateOf()} now`)) }, RETURN_BOUND_MS)
    })
    await Promise.race([alive, late]).finally(() => { clearTimeout(timer) })
    // and it takes new work again
    const seen = new Set<string>()
    const listener = (e: CustomEvent<TaskEvent>): void => { seen.add(e.detail.peerId) }
    requester.addEventListener('task:dispatch', listener)
    await Promise.all(Array.from({ length: 60 }, async (_, i) => requester.request('demo-llm', { prompt: `after ${i}`, maxTokens: 2 }, { balancer: 'round-robin' })))
    requester.removeEventListener('task:dispatch', listener)
    expect(seen.has(stopped.peerId)).toBe(true)
  })
})
