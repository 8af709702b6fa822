/**
 * `meshwork worker --bootstrap ADDR --service NAME [--handler H]`: serves
 * one or more services. `--service` and `--handler` may repeat, paired in
 * order; one handler applies to every service. A service named like a
 * built-in handler uses that handler, and `llm.chat` the demo model.
 * `--handler openai --openai-url URL --model M` bridges `llm.chat` (the
 * default service then) to an OpenAI-compatible model server, and
 * `--embedding-model E` `llm.embed` as well. `--handler ./file.js` serves
 * the default export of the user's module. `--group NAME --members
 * ID,ID,... [--data-dir DIR]` also makes the peer a member of a consensus
 * group (then `--service` may be left out); with `--data-dir` the peer's
 * identity lives in DIR unless `--key` is given, so it restarts as itself.
 */
import { createMeshNode } from '../../index.ts'
import type { PrivateKey } from '@libp2p/interface'
import { loadIdentity } from '../../identity.ts'
import { DEFAULT_TOKEN_DELAY_MS } from '../../../src/models/demo-llm.ts'
import { bootstrapAddrs, integer, MDNS_USAGE, parse, UsageError } from '../args.ts'
import { builtinHandler, defaultHandler, HANDLER_NAMES, isHandlerModule, moduleHandler } from '../handlers.ts'
import { LLM_CHAT_SERVICE } from '../../../src/models/chat.ts'
import { LLM_EMBED_SERVICE } from '../../../src/models/embed.ts'
import { onShutdown } from '../lifecycle.ts'
import { GROUP_OPTIONS, GROUP_USAGE, groupMembership, joinGroup } from '../group-option.ts'
import { exposeMetrics, METRICS_OPTION, METRICS_USAGE, metricsInit, metricsPort } from '../metrics-option.ts'

export const usage = `meshwork worker --bootstrap ADDR --service NAME [--handler ${HANDLER_NAMES.join('|')}] [options]
  --bootstrap ADDR      a relay or peer to join through (repeatable)
  --service NAME        the service to serve (repeatable)
  --handler H           its handler (repeatable, paired with --service in order): a built-in
                        name, or the path of an ES module whose default export is the handler
  --concurrency N       tasks run at once per service (default 16)
  --token-delay-ms N    pace of demo-llm tokens (default ${DEFAULT_TOKEN_DELAY_MS})
  --openai-url URL      openai handler: the model server's API base (e.g. http://127.0.0.1:11434/v1)
  --model M             model announced for ${LLM_CHAT_SERVICE} (repeatable); NAME=UPSTREAM_NAME
                        maps a mesh name to the server's; the API key comes from $OPENAI_API_KEY
  --continue-final-message  openai handler: resume answers with vLLM's continue_final_message
  --tools               openai handler: the models take tools (requests with tools may come here)
  --embedding-model E   model announced for ${LLM_EMBED_SERVICE} (repeatable; NAME=UPSTREAM_NAME); with
                        --handler openai the same server's /embeddings serves it
  --allow ID            only these peers may call (repeatable)
  --owner ID            also admit peers holding a capability token signed by this owner
  --key FILE            this peer's identity (see meshwork key); a fresh one by default
  --port N              TCP port (default any free port)
  --host H              interface to listen on (default 127.0.0.1)
${GROUP_USAGE}
${METRICS_USAGE}
${MDNS_USAGE}`

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    handler: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    'openai-url': { type: 'string' },
    model: { type: 'string', multiple: true },
    'continue-final-message': { type: 'boolean' },
    tools: { type: 'boolean' },
    'embedding-model': { type: 'string', multiple: true },
    allow: { type: 'string', multiple: true },
    owner: { type: 'string' },
    key: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    mdns: { type: 'boolean' },
    ...GROUP_OPTIONS,
    ...METRICS_OPTION
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const handlers: string[] = values.handler ?? []
  const services: string[] = values.service ?? (handlers.length === 1 && handlers[0] === 'openai' ? bridged(values.model, values['embedding-model']) : [])
  const membership = groupMembership(values)
  if (services.length === 0 && membership == null) {
    throw new UsageError('worker needs at least one --service (or --group)')
  }
  if (handlers.length > 1 && handlers.length !== services.length) {
    throw new UsageError('give one --handler for all services, or one per --service')
  }
  const handlerOptions = {
    tokenDelayMs: integer(values['token-delay-ms'], 'token-delay-ms', DEFAULT_TOKEN_DELAY_MS),
    models: values.model ?? [],
    openaiUrl: values['openai-url'],
    openaiKey: process.env.OPENAI_API_KEY,
    continueFinalMessage: values['continue-final-message'] === true,
    tools: values.tools === true,
    embeddingModels: values['embedding-model'] ?? []
  }
  const concurrency = integer(values.concurrency, 'concurrency', 16, 1)
  const chosen = await Promise.all(services.map(async (service, i) => {
    const name = handlers[handlers.length === 1 ? 0 : i] ?? defaultHandler(service)
    return { service, ...(isHandlerModule(name) ? await moduleHandler(name) : builtinHandler(name, service, handlerOptions)) }
  }))
  const access = values.allow != null || values.owner != null ? { allow: values.allow, owner: values.owner } : undefined
  const node = await createMeshNode({
    bootstrap: bootstrapAddrs(values.bootstrap, values.mdns === true),
    discovery: { mdns: values.mdns === true },
    port: integer(values.port, 'port', 0),
    host: values.host,
    privateKey: await identity(values.key ?? membership?.identityFile),
    metrics: metricsInit(values)
  })
  const group = membership != null ? await joinGroup(node, membership) : undefined
  for (const { service, handler, options } of chosen) {
    node.serve(service, handler, { ...options, concurrency, access })
  }
  const { close: closeMetrics } = await exposeMetrics(node, metricsPort(values), values['metrics-host'])
  console.log(`peer ${node.peerId}`)
  if (group != null) {
    console.log(`member of group ${group.name}`)
  }
  onShutdown(async () => {
    await closeMetrics()
    await node.stop()
  })
}

async function identity (file: string | undefined): Promise<PrivateKey | undefined> {
  return file != null ? loadIdentity(file) : undefined
}

/** The services `--handler openai` bridges when none is named: chat for --model, embeddings for --embedding-model. */
function bridged (models: string[] | undefined, embeddingModels: string[] | undefined): string[] {
  const services = (embeddingModels ?? []).length > 0 ? [LLM_EMBED_SERVICE] : []
  return (models ?? []).length > 0 || services.length === 0 ? [LLM_CHAT_SERVICE, ...services] : services
}
