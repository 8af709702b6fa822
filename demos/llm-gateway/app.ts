/**
 * The app: the official openai client, pointed at a meshwork gateway. It
 * lists the models the mesh serves, then streams an answer, naming the
 * machine that started it.
 *
 *   OPENAI_BASE_URL=http://127.0.0.1:8400/v1 node demos/llm-gateway/app.ts [MODEL] [PROMPT]
 */
import OpenAI from 'openai'

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8400/v1',
  // the gateway's token, when it was started with one
  apiKey: process.env.OPENAI_API_KEY ?? 'unused'
})

const models = await client.models.list()
console.log(`models in the mesh: ${models.data.map(m => m.id).join(', ')}`)
const model = process.argv[2] ?? models.data[0]?.id ?? 'llama'
const prompt = process.argv[3] ?? 'Tell me how a mesh keeps an answer going when a machine dies.'

const { data: stream, response } = await client.chat.completions.create({
  model,
  messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: prompt }],
  max_tokens: 300,
  stream: true
}).withResponse()
console.log(`answer started on ${response.headers.get('x-meshwork-peer')}\n`)
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta.content ?? '')
}
process.stdout.write('\n')
