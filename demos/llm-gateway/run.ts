/**
 * Three machines' model servers pooled behind one OpenAI-compatible
 * endpoint, all on this machine: a relay, three model servers each with a
 * `meshwork worker --handler openai` beside it, and `meshwork gateway` on
 * port 8400. Then run `node demos/llm-gateway/app.ts` (the app: the
 * official openai client) in another terminal, and kill a worker while an
 * answer streams.
 *
 *   node demos/llm-gateway/run.ts [--port 8400]
 */
import { parseArgs } from 'node:util'
import { meshwork, modelServer, stopAll } from './spawn.ts'

const { values } = parseArgs({ options: { port: { type: 'string', default: '8400' } } })

const relay = await meshwork(['relay'])
const bootstrap = relay.lines[0]
const machines = await Promise.all(['a', 'b', 'c'].map(async name => {
  const server = await modelServer(['--model', 'llama', '--token-delay-ms', '30'])
  const worker = await meshwork(['worker', '--bootstrap', bootstrap, '--handler', 'openai', '--openai-url', server.url, '--model', 'llama'])
  return { name, server, worker }
}))
const gateway = await meshwork(['gateway', '--bootstrap', bootstrap, '--port', values.port], /^gateway /)
const url = gateway.lines.find(l => l.startsWith('gateway '))!.slice('gateway '.length)

console.log(`
Three "machines", each a model server and a meshwork worker bridging to it:
${machines.map(m => `  ${m.name}: model server ${m.server.url} (pid ${m.server.child.pid}), worker pid ${m.worker.child.pid} ${m.worker.lines.find(l => l.startsWith('peer '))}`).join('\n')}

One endpoint for all of them: ${url}/v1

  node demos/llm-gateway/app.ts                      # the app: the openai client, streaming
  curl ${url}/v1/models
  kill -9 <a worker pid above> while app.ts streams: the answer completes on another machine

Ctrl-C stops everything.`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => { stopAll().finally(() => process.exit(0)) })
}
