/**
 * The handlers `meshwork worker --handler NAME` can serve: a built-in one,
 * or a module of the user's (`--handler ./count.js`).
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import { DEMO_CHAT_MODEL, demoChat } from '../../src/models/demo-chat.ts'
import { DEMO_EMBED_MODEL, demoEmbed } from '../../src/models/demo-embed.ts'
import { demoLlm } from '../../src/models/demo-llm.ts'
import { LLM_EMBED_SERVICE } from '../../src/models/embed.ts'
import { isToolsTag, toolsModel } from '../../src/models/tools.ts'
import { openaiChat } from '../handlers/openai.ts'
import { openaiEmbed } from '../handlers/openai-embed.ts'
import { UsageError } from './args.ts'
import type { Handler, ServeOptions } from '../../src/types.ts'

export interface HandlerOptions {
  tokenDelayMs: number
  /** `--model` values: `NAME` or `NAME=UPSTREAM_NAME` */
  models: string[]
  /** `--openai-url`: base URL of an OpenAI-compatible API */
  openaiUrl?: string
  openaiKey?: string
  /** `--continue-final-message`: resume answers the way vLLM needs */
  continueFinalMessage?: boolean
  /** `--embedding-model` values, served as `llm.embed`: `NAME` or `NAME=UPSTREAM_NAME` */
  embeddingModels?: string[]
  /** `--tools`: the openai handler's models take tools (announced, so tool requests come here) */
  tools?: boolean
}

export interface BuiltinHandler {
  handler: Handler
  options: ServeOptions
}

export const HANDLER_NAMES = ['echo', 'demo-llm', 'openai'] as const

/** The handler a service gets when no --handler is given. */
export function defaultHandler (service: string): string {
  if (service === LLM_CHAT_SERVICE || service === LLM_EMBED_SERVICE) {
    return 'demo-llm'
  }
  return (HANDLER_NAMES as readonly string[]).includes(service) ? service : 'echo'
}

/**
 * The handler `name` serving `service`. `demo-llm` serving `llm.chat` is
 * the demo model behind the chat contract (taking tools), serving
 * `llm.embed` the demo embedding model; anywhere else it takes
 * `{ prompt, maxTokens }`. `openai` bridges `llm.chat` (`--model`) and
 * `llm.embed` (`--embedding-model`) to a model server.
 */
export function builtinHandler (name: string, service: string, options: HandlerOptions): BuiltinHandler {
  switch (name) {
    case 'echo':
      return { handler: async (input: unknown) => input, options: {} }
    case 'demo-llm':
      if (service === LLM_CHAT_SERVICE) {
        const models = options.models.length > 0 ? options.models.map(m => modelPair(m)[0]) : [DEMO_CHAT_MODEL]
        return { handler: demoChat({ tokenDelayMs: options.tokenDelayMs }), options: { resume: 'continue', models: withTools(models, true) } }
      }
      if (service === LLM_EMBED_SERVICE) {
        const names = options.embeddingModels ?? []
        const models = names.length > 0 ? names.map(m => modelPair(m)[0]) : [DEMO_EMBED_MODEL]
        return { handler: demoEmbed(), options: { models } }
      }
      return { handler: demoLlm({ tokenDelayMs: options.tokenDelayMs }), options: { resume: 'continue' } }
    case 'openai': {
      if (options.openaiUrl == null) {
        throw new UsageError('--handler openai needs --openai-url URL (e.g. http://127.0.0.1:11434/v1)')
      }
      if (service === LLM_EMBED_SERVICE) {
        const names = options.embeddingModels ?? []
        if (names.length === 0) {
          throw new UsageError('--handler openai serving llm.embed needs at least one --embedding-model NAME (or NAME=UPSTREAM_NAME)')
        }
        const models = Object.fromEntries(names.map(modelPair))
        return { handler: openaiEmbed({ url: checkUrl(options.openaiUrl), models, apiKey: options.openaiKey }), options: { models: Object.keys(models) } }
      }
      if (options.models.length === 0) {
        throw new UsageError('--handler openai needs at least one --model NAME (or NAME=UPSTREAM_NAME)')
      }
      const models = Object.fromEntries(options.models.map(modelPair))
      return {
        handler: openaiChat({ url: checkUrl(options.openaiUrl), models, apiKey: options.openaiKey, continueFinalMessage: options.continueFinalMessage }),
        options: { resume: 'continue', models: withTools(Object.keys(models), options.tools === true) }
      }
    }
    default:
      throw new UsageError(`unknown handler "${name}"; use one of ${HANDLER_NAMES.join(', ')}`)
  }
}

/** Whether a `--handler` value names a module rather than a built-in handler. */
export function isHandlerModule (name: string): boolean {
  return name.includes('/') || /\.(m?js|ts)$/.test(name)
}

/**
 * The handler an ES module exports: its default export (a function taking
 * the input and the context, as `node.serve` takes), and its optional
 * `serveOptions` export (models, resume) beside it.
 *
 * @example
 * ```js
 * // count.js, served with: meshwork worker --service count --handler ./count.js
 * export default async function (text) { return text.split(/\s+/).length }
 * ```
 */
export async function moduleHandler (path: string): Promise<BuiltinHandler> {
  let module: any
  try {
    module = await import(pathToFileURL(resolve(path)).href)
  } catch (err: any) {
    throw new UsageError(`--handler ${path} could not be loaded: ${err?.message ?? err}`)
  }
  if (typeof module.default !== 'function') {
    throw new UsageError(`--handler ${path} has no default export that is a function`)
  }
  const options = module.serveOptions
  if (options != null && typeof options !== 'object') {
    throw new UsageError(`--handler ${path}: serveOptions is an object`)
  }
  return { handler: module.default, options: options ?? {} }
}

/** Model names one service may announce (peers refuse announcements with more). */
const MAX_ANNOUNCED_MODELS = 64

/** The names announced for chat models: each model, and its tools tag when it takes tools. */
function withTools (models: string[], tools: boolean): string[] {
  const names = tools ? models.flatMap(m => [m, toolsModel(m)]) : models
  if (names.length > MAX_ANNOUNCED_MODELS) {
    throw new UsageError(`a worker announces at most ${MAX_ANNOUNCED_MODELS} model names a service (${tools ? 'two a model with --tools' : 'one a model'})`)
  }
  return names
}

/** `NAME=UPSTREAM` -> [NAME, UPSTREAM]; `NAME` -> [NAME, NAME]. */
function modelPair (value: string): [string, string] {
  const at = value.indexOf('=')
  const pair: [string, string] = at < 0 ? [value, value] : [value.slice(0, at), value.slice(at + 1)]
  if (pair[0] === '' || pair[1] === '') {
    throw new UsageError(`--model takes NAME or NAME=UPSTREAM_NAME, not "${value}"`)
  }
  if (isToolsTag(pair[0])) {
    throw new UsageError(`a model's mesh name does not end in "${toolsModel('')}" ("${value}"); use --tools to say it takes tools`)
  }
  return pair
}

function checkUrl (value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`--openai-url is not a URL: "${value}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--openai-url is an http(s) URL, not "${value}"`)
  }
  return value
}
