/**
 * Traces over OTLP/HTTP to a receiver in the test (the protocol: POST
 * /v1/traces with JSON): a relay and two workers as real processes, a
 * requester in this process, all exporting because
 * OTEL_EXPORTER_OTLP_ENDPOINT names the receiver. A stream's worker is
 * SIGKILLed mid-answer; the receiver holds one trace with spans from the
 * requester and both workers, and a `failover` event on the call's span.
 */
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshNode } from '../../node/index.ts'
import { generate } from '../../src/models/demo-llm.ts'
import { startRelay, startWorker } from '../helpers/cli.ts'
import type { CliProcess } from '../helpers/cli.ts'
import type { MeshNode, TaskEvent } from '../../src/types.ts'
import type { Server } from 'node:http'

/** Loose bound (a shared machine) for a peer's spans to reach the receiver. */
const EXPORT_WAIT_MS = 15_000

interface ReceivedSpan { traceId: string, spanId: string, parentSpanId?: string, name: string, instance: string, events: Array<{ name: string, attributes: Record<string, unknown> }> }

const attrs = (list: any[] = []): Record<string, unknown> =>
  Object.fromEntries(list.map(a => [a.key, a.value?.stringValue ?? a.value?.intValue ?? a.value?.boolValue]))

describe('a trace across a failover', () => {
  const spans: ReceivedSpan[] = []
  let receiver: Server
  let relay: CliProcess & { tcp: string }
  let workers: CliProcess[]
  let requester: MeshNode
  const saved = { ...process.env }

  const waitFor = async (what: string, ok: () => boolean): Promise<void> => {
    const deadline = Date.now() + EXPORT_WAIT_MS
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`no ${what} within ${EXPORT_WAIT_MS} ms`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = ''
      req.on('data', (d: Buffer) => { body += d.toString() })
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
          res.writeHead(400).end()
          return
        }
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const resource = attrs(rs.resource?.attributes)
          expect(resource['service.name']).toBe('meshwork')
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({ ...s, instance: String(resource['service.instance.id']), events: (s.events ?? []).map((e: any) => ({ name: e.name, attributes: attrs(e.attributes) })) })
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`
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
    await new Promise(resolve => receiver?.close(resolve))
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
        await waitFor('span from the first worker', () => spans.some(s => s.instance === victim.peerId))
        victim.kill('SIGKILL')
      }
    }
    expect(chunks).toEqual(generate(prompt, 60))
    const survivor = workers.find(w => w.peerId !== first)!
    await requester.stop()
    await waitFor('call span', () => spans.some(s => s.name === 'call demo-llm'))
    await waitFor('span from the second worker', () => spans.some(s => s.instance === survivor.peerId && s.name === 'task demo-llm'))

    const call = spans.find(s => s.name === 'call demo-llm')!
    expect(call.instance).toBe(requester.peerId)
    const trace = spans.filter(s => s.traceId === call.traceId)
    expect(new Set(trace.map(s => s.instance))).toEqual(new Set([requester.peerId, first, survivor.peerId]))
    // the handler runs hang under the call
    for (const s of trace.filter(s => s.name === 'task demo-llm')) expect(s.parentSpanId).toBe(call.spanId)
    const failover = call.events.find(e => e.name === 'failover')
    expect(failover?.attributes).toMatchObject({ 'meshwork.from': first, 'meshwork.to': survivor.peerId })
    expect(typeof failover?.attributes['meshwork.reason']).toBe('string')
    // spans of other traces are not mixed in
    expect(spans.filter(s => s.name === 'call demo-llm')).toHaveLength(1)
  }, 60_000)
})
