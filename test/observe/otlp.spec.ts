/**
 * Traces over OTLP/HTTP to a receiver in the test (the protocol: POST
 * /v1/traces with JSON): a relay and two workers as real processes, a
 * requester in this process, all exporting because
 * OTEL_EXPORTER_OTLP_ENDPOINT names the receiver. A stream's worker is
 * SIGKILLed mid-answer; the receiver holds one trace with spans from the
 * requester and both workers, and a `failover` event on the call's span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { generate } from '../../src/models/demo-llm.ts'
import { startRelay, startWorker } from '../helpers/cli.ts'
import { startOtlpReceiver } from '../helpers/otlp.ts'
import type { OtlpReceiver } from '../helpers/otlp.ts'
import type { CliProcess } from '../helpers/cli.ts'
import type { MeshNode, TaskEvent } from '../../src/types.ts'

/** Loose bound (a shared machine) for a peer's spans to reach the receiver. */
const EXPORT_WAIT_MS = 15_000

describe('a trace across a failover', () => {
  let receiver: OtlpReceiver
  let relay: CliProcess & { tcp: string }
  let workers: CliProcess[]
  let requester: MeshNode
  const saved = { ...process.env }

  const waitFor = async (what: string, ok: () => boolean): Promise<void> => receiver.waitFor(what, ok, EXPORT_WAIT_MS)

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json'
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100'
    relay = await startRelay()
    workers = await Promise.all([0, 1].map(async () => startWorker(relay.tcp, [
      '--service', 'demo-llm', '--handler', 'demo-llm', '--token-delay-ms', '40'
    ])))
    requester = await createMeshNode({ bootstrap: [relay.tcp], webrtc: false })
    await requester.waitForWorkers('demo-llm', 2, { timeoutMs: 20_000 })
  }, 60_000)

  afterAll(async () => {
    await requester?.stop()
    for (const p of [relay, ...(workers ?? [])]) p?.kill('SIGKILL')
    await receiver?.close()
    process.env = saved
  })

  it('one trace: the requester, the killed worker and the one that finished, with a failover event', async () => {
    let first: string | undefined
    requester.addEventListener('task:dispatch', (evt: CustomEvent<TaskEvent>) => { first ??= evt.detail.peerId })
    const prompt = 'tell me a long story'
    const chunks: string[] = []
    for await (const chunk of requester.stream<string>('demo-llm', { prompt, maxTokens: 60 })) {
      chunks.push(chunk)
      if (chunks.length === 1) {
        const victim = workers.find(w => w.peerId === first)!
        // its part of the trace is out before it dies
        await waitFor('span from the first worker', () => receiver.spans.some(s => s.instance === victim.peerId))
        victim.kill('SIGKILL')
      }
    }
    expect(chunks).toEqual(generate(prompt, 60))
    const survivor = workers.find(w => w.peerId !== first)!
    await requester.stop()
    await waitFor('call span', () => receiver.spans.some(s => s.name === 'call demo-llm'))
    await waitFor('span from the second worker', () => receiver.spans.some(s => s.instance === survivor.peerId && s.name === 'task demo-llm'))

    const call = receiver.spans.find(s => s.name === 'call demo-llm')!
    expect(call.instance).toBe(requester.peerId)
    const trace = receiver.spans.filter(s => s.traceId === call.traceId)
    expect(new Set(trace.map(s => s.instance))).toEqual(new Set([requester.peerId, first, survivor.peerId]))
    // the handler runs hang under the call
    for (const s of trace.filter(s => s.name === 'task demo-llm')) expect(s.parentSpanId).toBe(call.spanId)
    const failover = call.events.find(e => e.name === 'failover')
    expect(failover?.attributes).toMatchObject({ 'meshwork.from': first, 'meshwork.to': survivor.peerId })
    expect(typeof failover?.attributes['meshwork.reason']).toBe('string')
    expect(new Set(receiver.spans.map(s => s.service))).toEqual(new Set(['meshwork']))
    // spans of other traces are not mixed in
    expect(receiver.spans.filter(s => s.name === 'call demo-llm')).toHaveLength(1)
  }, 60_000)
})
