/**
 * What the gateway costs: time to first token and tokens per second for
 * the same answers asked of a model server directly and through the mesh
 * (app -> gateway -> mesh -> `worker --handler openai` -> the same model
 * server). The app is the official openai client in both cases.
 *
 *   node demos/llm-gateway/bench.ts [--rounds 20] [--tokens 200]
 *
 * Each case runs `rounds` answers per path, alternating paths, after a
 * warm-up; every loop is bounded in count and time.
 */
import { parseArgs } from 'node:util'
import OpenAI from 'openai'
import { meshwork, modelServer, stopAll } from './spawn.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, tokens: { type: 'string', default: '200' } } })
const rounds = Number(values.rounds)
const maxTokens = Number(values.tokens)
/** No case runs longer than this, whatever `rounds` says. */
const CASE_BUDGET_MS = 60_000

interface Sample { ttftMs: number, tokensPerS: number }

async function answer (client: OpenAI, model: string, prompt: string): Promise<Sample> {
  const start = performance.now()
  let first = 0
  let last = 0
  let tokens = 0
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: maxTokens, stream: true })
  for await (const chunk of stream) {
    if ((chunk.choices[0]?.delta.content ?? '') !== '') {
      last = performance.now()
      if (tokens++ === 0) first = last
    }
  }
  if (tokens !== maxTokens) throw new Error(`got ${tokens} tokens, not ${maxTokens}`)
  return { ttftMs: first - start, tokensPerS: (tokens - 1) / ((last - first) / 1000) }
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

let failures = 0

/** `concurrency` answers at once per round; returns the samples of those that completed. */
async function run (client: OpenAI, model: string, concurrency: number, round: number): Promise<Sample[]> {
  const samples = await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
    try {
      return await answer(client, model, `question ${round}.${i}`)
    } catch (err: any) {
      failures++
      console.error(`${client.baseURL} round ${round}: ${err.name}: ${err.message} ${err.cause?.message ?? ''}`)
      return undefined
    }
  }))
  return samples.filter(s => s != null)
}

try {
  const relay = await meshwork(['relay'])
  const bootstrap = relay.lines[0]
  const servers = {
    fast: await modelServer(['--model', 'fast', '--token-delay-ms', '0']),
    paced: await modelServer(['--model', 'paced', '--token-delay-ms', '10'])
  }
  for (const [model, server] of Object.entries(servers)) {
    await meshwork(['worker', '--bootstrap', bootstrap, '--handler', 'openai', '--openai-url', server.url, '--model', model])
  }
  const gateway = await meshwork(['gateway', '--bootstrap', bootstrap, '--port', '0'], /^gateway /)
  const gatewayUrl = gateway.lines.find(l => l.startsWith('gateway '))!.slice('gateway '.length)
  const through = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 })
  const deadline = Date.now() + 20_000
  while ((await through.models.list()).data.length < 2) {
    if (Date.now() > deadline) throw new Error('the gateway never saw both models')
    await new Promise(resolve => setTimeout(resolve, 200))
  }

  const cases = [
    { model: 'fast', concurrency: 1, what: 'model as fast as it goes, 1 stream' },
    { model: 'paced', concurrency: 1, what: 'model at 100 tokens/s, 1 stream' },
    { model: 'paced', concurrency: 8, what: 'model at 100 tokens/s, 8 streams at once' },
    { model: 'fast', concurrency: 8, what: 'model as fast as it goes, 8 streams at once' }
  ] as const
  console.log(`${maxTokens} tokens an answer, ${rounds} rounds a path, medians\n`)
  console.log('| case | TTFT direct | TTFT gateway | added | tokens/s direct | tokens/s gateway | gateway/direct |')
  console.log('|---|---|---|---|---|---|---|')
  for (const c of cases) {
    const direct = new OpenAI({ baseURL: servers[c.model].url, apiKey: 'unused', maxRetries: 0 })
    const samples: Record<'direct' | 'gateway', Sample[]> = { direct: [], gateway: [] }
    await run(direct, c.model, c.concurrency, -1)
    await run(through, c.model, c.concurrency, -1)
    const stopAt = Date.now() + CASE_BUDGET_MS
    for (let r = 0; r < rounds && Date.now() < stopAt; r++) {
      samples.direct.push(...await run(direct, c.model, c.concurrency, r))
      samples.gateway.push(...await run(through, c.model, c.concurrency, r))
    }
    const d = { ttft: median(samples.direct.map(s => s.ttftMs)), rate: median(samples.direct.map(s => s.tokensPerS)) }
    const g = { ttft: median(samples.gateway.map(s => s.ttftMs)), rate: median(samples.gateway.map(s => s.tokensPerS)) }
    console.log(`| ${c.what} | ${d.ttft.toFixed(1)} ms | ${g.ttft.toFixed(1)} ms | ${(g.ttft - d.ttft).toFixed(1)} ms | ${d.rate.toFixed(0)} | ${g.rate.toFixed(0)} | ${(g.rate / d.rate).toFixed(2)} |`)
  }
  console.log(`\n${failures} answers failed`)
} finally {
  await stopAll()
}
