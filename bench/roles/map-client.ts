/**
 * Child process: runs the map case's job once and reports its makespan.
 * Modes: `map` (`node.map` with speculation), `loop` (a pool of
 * `concurrency` callers each awaiting `node.request()` in turn), `queue`
 * (the same pool over NATS request/reply to a queue group).
 * `node bench/roles/map-client.ts meshwork|nats map|loop|queue OPTIONS_JSON`
 */
import { connect } from 'nats'
import { createMeshNode } from 'meshwork/node'
import { childMain, send } from '../lib/child.ts'
import { MAP_SERVICE, MAP_SUBJECT, wrongAnswers } from './map-work.ts'
import type { MapRunOptions } from './map-work.ts'

const JOIN_TIMEOUT_MS = 30_000
const TASK_TIMEOUT_MS = 30_000

type Answer = { i: number, square: number }

/** Runs `call` for every input with `concurrency` in flight; the answers in input order. */
async function pool (tasks: number, concurrency: number, call: (i: number) => Promise<Answer>): Promise<Answer[]> {
  const out: Answer[] = new Array(tasks)
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tasks) {
      const i = next++
      out[i] = await call(i)
    }
  }))
  return out
}

childMain(async () => {
  const [system, mode, optionsJson] = process.argv.slice(2)
  const options: MapRunOptions = JSON.parse(optionsJson)
  const inputs = Array.from({ length: options.tasks }, (_, i) => ({ i }))
  let run: () => Promise<{ values: Answer[], speculated?: number }>
  let close: () => Promise<void>
  if (system === 'meshwork') {
    const node = await createMeshNode({ bootstrap: [options.bootstrap!] })
    await node.waitForWorkers(MAP_SERVICE, options.workers, { timeoutMs: JOIN_TIMEOUT_MS })
    close = async () => { await node.stop() }
    run = mode === 'map'
      ? async () => {
        const job = node.map<Answer>(MAP_SERVICE, inputs, { concurrency: options.concurrency, timeoutMs: TASK_TIMEOUT_MS })
        return { values: await job.all(), speculated: job.progress.speculated }
      }
      : async () => ({ values: await pool(options.tasks, options.concurrency, async i => node.request(MAP_SERVICE, inputs[i], { timeoutMs: TASK_TIMEOUT_MS })) })
  } else {
    const nc = await connect({ servers: options.natsUrl })
    const encoder = new TextEncoder()
    const decoder = new TextDecoder()
    close = async () => { await nc.close() }
    run = async () => ({
      values: await pool(options.tasks, options.concurrency, async i => {
        const reply = await nc.request(MAP_SUBJECT, encoder.encode(JSON.stringify(inputs[i])), { timeout: TASK_TIMEOUT_MS })
        return JSON.parse(decoder.decode(reply.data))
      })
    })
  }
  if (options.warmup > 0) {
    // the same job, smaller: connections up and the balancer warm, as in a running app
    const tasks = options.tasks
    options.tasks = options.warmup
    inputs.length = options.warmup
    await run()
    options.tasks = tasks
    inputs.length = 0
    inputs.push(...Array.from({ length: tasks }, (_, i) => ({ i })))
  }
  const cpu0 = process.cpuUsage()
  const startedAt = performance.now()
  const { values, speculated } = await run()
  const ms = performance.now() - startedAt
  const cpu = process.cpuUsage(cpu0)
  await close()
  send({
    type: 'result',
    ms: Math.round(ms * 10) / 10,
    perSecond: Math.round(options.tasks / ms * 1000),
    wrong: wrongAnswers(values),
    speculated,
    requesterCpuMs: Math.round((cpu.user + cpu.system) / 1000)
  })
  process.exit(0)
})
