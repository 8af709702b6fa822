/**
 * Child process: the workers of the map case, one per entry of `workMs`
 * (each answers after that many ms), all in this process, until SIGTERM.
 * meshwork workers serve `bench-map`; NATS workers subscribe to
 * `bench.map` in one queue group, so each request goes to one of them.
 * Both take JSON `{ i }` and answer JSON `{ i, square }`.
 * `node bench/roles/map-server.ts meshwork|nats OPTIONS_JSON`
 */
import { connect } from 'nats'
import { createMeshNode } from 'meshwork/node'
import { childMain, send } from '../lib/child.ts'
import { MAP_QUEUE, MAP_SERVICE, MAP_SUBJECT, answer } from './map-work.ts'
import type { MapServeOptions } from './map-work.ts'

const WORKER_CONCURRENCY = 64

const sleep = async (ms: number): Promise<void> => { if (ms > 0) await new Promise(resolve => setTimeout(resolve, ms)) }

childMain(async () => {
  const [system, optionsJson] = process.argv.slice(2)
  const options: MapServeOptions = JSON.parse(optionsJson)
  let close: () => Promise<void>
  if (system === 'meshwork') {
    const nodes = await Promise.all(options.workMs.map(async () => createMeshNode({ bootstrap: [options.bootstrap!] })))
    nodes.forEach((node, k) => {
      node.serve(MAP_SERVICE, async (input: { i: number }) => {
        await sleep(options.workMs[k])
        return answer(input)
      }, { concurrency: WORKER_CONCURRENCY })
    })
    close = async () => { await Promise.all(nodes.map(async n => { await n.stop() })) }
  } else if (system === 'nats') {
    const connections = await Promise.all(options.workMs.map(async () => connect({ servers: options.natsUrl })))
    const encoder = new TextEncoder()
    const decoder = new TextDecoder()
    connections.forEach((nc, k) => {
      nc.subscribe(MAP_SUBJECT, {
        queue: MAP_QUEUE,
        callback: (_err, msg) => {
          const input = JSON.parse(decoder.decode(msg.data))
          void sleep(options.workMs[k]).then(() => { msg.respond(encoder.encode(JSON.stringify(answer(input)))) })
        }
      })
    })
    await Promise.all(connections.map(async nc => { await nc.flush() }))
    close = async () => { await Promise.all(connections.map(async nc => { await nc.drain() })) }
  } else {
    throw new Error(`unknown system "${system}"`)
  }
  const stop = (): void => {
    const timer = setTimeout(() => process.exit(0), 3_000)
    close().finally(() => { clearTimeout(timer); process.exit(0) })
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  send({ type: 'ready', info: {} })
})
