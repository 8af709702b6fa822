/**
 * What the gateway adds to an assistant's calls: a tool call (asked whole,
 * and streamed) and a 100-text embedding batch, asked of a model server
 * directly and through the mesh (app -> gateway -> mesh -> `worker
 * --handler openai --tools --embedding-model` -> the same model server).
 * The app is the official openai client in both cases; the model server
 * runs the demo models with no pace, so the figures are the overhead.
 *
 *   node demos/llm-gateway/bench-assistant.ts [--rounds 30]
 *
 * Each case runs `rounds` calls per path, alternating paths, after a
 * warm-up; every loop is bounded in count and time.
 */
import { parseArgs } from 'node:util'
import OpenAI from 'openai'
import { meshwork, modelServer, stopAll } from './spawn.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' } } })
const rounds = Number(values.rounds)
/** No case runs longer than this, whatever `rounds` says. */
const CASE_BUDGET_MS = 60_000

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
}]

type Case = (client: OpenAI, round: number) => Promise<void>

const cases: Array<{ what: string, run: Case }> = [
  {
    what: 'tool call, whole',
    run: async (client, round) => {
      const reply = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: `Oslo ${round}` }], tools })
      if (reply.choices[0].message.tool_calls?.length !== 1) throw new Error('no tool call')
    }
  },
  {
    what: 'tool call, streamed',
    run: async (client, round) => {
      const stream = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: `Oslo ${round}` }], tools, stream: true })
      let args = ''
      for await (const chunk of stream) args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? ''
      JSON.parse(args)
    }
  },
  {
    what: '100-text embedding batch',
    run: async (client, round) => {
      const input = Array.from({ length: 100 }, (_, i) => `passage ${round}.${i} about the mesh and its peers`)
      const reply = await client.embeddings.create({ model: 'nomic', input })
      if (reply.data.length !== 100) throw new Error('not 100 vectors')
    }
  }
]

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

async function timed (run: Case, client: OpenAI, round: number): Promise<number> {
  const start = performance.now()
  await run(client, round)
  return performance.now() - start
}

try {
  const relay = await meshwork(['relay'])
  const bootstrap = relay.lines[0]
  const server = await modelServer(['--model', 'llama', '--embedding-model', 'nomic', '--token-delay-ms', '0'])
  await meshwork(['worker', '--bootstrap', bootstrap, '--handler', 'openai', '--openai-url', server.url, '--model', 'llama', '--tools', '--embedding-model', 'nomic'])
  const gateway = await meshwork(['gateway', '--bootstrap', bootstrap, '--port', '0'], /^gateway /)
  const gatewayUrl = gateway.lines.find(l => l.startsWith('gateway '))!.slice('gateway '.length)
  const through = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
  const direct = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 })
  const deadline = Date.now() + 20_000
  while ((await through.models.list()).data.length < 2) {
    if (Date.now() > deadline) throw new Error('the gateway never saw both models')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  console.log(`${rounds} rounds a path, medians\n`)
  console.log('| call | direct | through the gateway | added |')
  console.log('|---|---|---|---|')
  for (const c of cases) {
    const samples = { direct: [] as number[], gateway: [] as number[] }
    for (let r = -3; r < 0; r++) {
      await timed(c.run, direct, r)
      await timed(c.run, through, r)
    }
    const stopAt = Date.now() + CASE_BUDGET_MS
    for (let r = 0; r < rounds && Date.now() < stopAt; r++) {
      samples.direct.push(await timed(c.run, direct, r))
      samples.gateway.push(await timed(c.run, through, r))
    }
    const d = median(samples.direct)
    const g = median(samples.gateway)
    console.log(`| ${c.what} | ${d.toFixed(1)} ms | ${g.toFixed(1)} ms | ${(g - d).toFixed(1)} ms |`)
  }
} finally {
  await stopAll()
}
