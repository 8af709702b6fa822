/**
 * The gateway continues its HTTP client's trace: a relay, a worker and a
 * gateway as real processes exporting over OTLP/HTTP to a receiver in the
 * test. A chat completion sent with a W3C `traceparent` header yields a
 * call span on the gateway's peer whose parent is the client's span, and
 * a task span on the worker, all in the client's trace; a `traceparent`
 * whose sampled flag is off is respected (nothing of that trace is sent).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOtlpReceiver } from '../helpers/otlp.ts'
import { modelLive, Processes } from '../gateway/processes.ts'
import type { OtlpReceiver } from '../helpers/otlp.ts'
import type { Proc } from '../gateway/processes.ts'

/** Loose bound (a shared machine) for a peer's spans to reach the receiver. */
const EXPORT_WAIT_MS = 15_000

const hex = (bytes: number): string => randomBytes(bytes).toString('hex')

describe('a traceparent through the gateway', () => {
  const procs = new Processes()
  let receiver: OtlpReceiver
  let worker: Proc
  let gateway: Proc & { url: string }
  const saved = { ...process.env }

  const complete = async (traceparent: string, content: string): Promise<Response> => fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ model: 'demo-llm', messages: [{ role: 'user', content }], max_tokens: 5 })
  })

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json'
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100'
    const relay = await procs.relay()
    worker = await procs.start('worker', ['--bootstrap', relay.addr, '--service', 'llm.chat', '--handler', 'demo-llm', '--token-delay-ms', '5'])
    gateway = await procs.gateway(relay.addr)
    await modelLive(gateway.url, 'demo-llm', 1)
  }, 60_000)

  afterAll(async () => {
    await procs.stop()
    await receiver?.close()
    process.env = saved
  })

  it('puts the mesh spans of a request in the trace its traceparent names, under its span', async () => {
    const traceId = hex(16)
    const parentId = hex(8)
    const res = await complete(`00-${traceId}-${parentId}-01`, 'hello trace')
    expect(res.status).toBe(200)
    const body = await res.json() as { choices: Array<{ message: { content: string } }> }
    expect(body.choices[0].message.content.length).toBeGreaterThan(0)

    await receiver.waitFor('call span', () => receiver.spans.some(s => s.traceId === traceId && s.name.startsWith('call ')), EXPORT_WAIT_MS)
    await receiver.waitFor('task span', () => receiver.spans.some(s => s.traceId === traceId && s.name.startsWith('task ')), EXPORT_WAIT_MS)
    const trace = receiver.spans.filter(s => s.traceId === traceId)
    const call = trace.find(s => s.name === 'call llm.chat')!
    expect(call.instance).toBe(gateway.peerId)
    expect(call.parentSpanId).toBe(parentId)
    const task = trace.find(s => s.name === 'task llm.chat')!
    expect(task.instance).toBe(worker.peerId)
    expect(task.parentSpanId).toBe(call.spanId)
  }, 60_000)

  it('sends nothing of a trace its client did not sample', async () => {
    const traceId = hex(16)
    const res = await complete(`00-${traceId}-${hex(8)}-00`, 'not sampled')
    expect(res.status).toBe(200)
    await res.json()
    // a sampled request after it: once its spans are in, the first one's would have been too
    const after = hex(16)
    expect((await complete(`00-${after}-${hex(8)}-01`, 'sampled')).status).toBe(200)
    await receiver.waitFor('spans of the sampled request', () => receiver.spans.some(s => s.traceId === after && s.name.startsWith('task ')), EXPORT_WAIT_MS)
    await receiver.waitFor('call span of the sampled request', () => receiver.spans.some(s => s.traceId === after && s.name.startsWith('call ')), EXPORT_WAIT_MS)
    expect(receiver.spans.filter(s => s.traceId === traceId)).toEqual([])
  }, 60_000)
})
