/**
 * `meshwork worker --bootstrap ADDR --service NAME [--handler H]`: serves
 * one or more services. `--service` and `--handler` may repeat, paired in
 * order; one handler applies to every service. A service named like a
 * built-in handler uses that handler.
 */
import { createMeshNode } from '../../index.ts'
import { DEFAULT_TOKEN_DELAY_MS } from '../../../src/models/demo-llm.ts'
import { bootstrapAddrs, integer, parse, UsageError } from '../args.ts'
import { builtinHandler, HANDLER_NAMES } from '../handlers.ts'
import { onShutdown } from '../lifecycle.ts'

export const usage = `meshwork worker --bootstrap ADDR --service NAME [--handler ${HANDLER_NAMES.join('|')}] [options]
  --bootstrap ADDR      a relay or peer to join through (repeatable)
  --service NAME        the service to serve (repeatable)
  --handler H           its handler (repeatable, paired with --service in order)
  --concurrency N       tasks run at once per service (default 16)
  --token-delay-ms N    pace of demo-llm tokens (default ${DEFAULT_TOKEN_DELAY_MS})
  --port N              TCP port (default any free port)
  --host H              interface to listen on (default 127.0.0.1)`

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    handler: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    'token-delay-ms': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' }
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const services: string[] = values.service ?? []
  const handlers: string[] = values.handler ?? []
  if (services.length === 0) {
    throw new UsageError('worker needs at least one --service')
  }
  if (handlers.length > 1 && handlers.length !== services.length) {
    throw new UsageError('give one --handler for all services, or one per --service')
  }
  const handlerOptions = { tokenDelayMs: integer(values['token-delay-ms'], 'token-delay-ms', DEFAULT_TOKEN_DELAY_MS) }
  const concurrency = integer(values.concurrency, 'concurrency', 16, 1)
  const chosen = services.map((service, i) => {
    const name = handlers[handlers.length === 1 ? 0 : i] ?? ((HANDLER_NAMES as readonly string[]).includes(service) ? service : 'echo')
    return { service, ...builtinHandler(name, handlerOptions) }
  })
  const node = await createMeshNode({
    bootstrap: bootstrapAddrs(values.bootstrap),
    port: integer(values.port, 'port', 0),
    host: values.host
  })
  for (const { service, handler, options } of chosen) {
    node.serve(service, handler, { ...options, concurrency })
  }
  console.log(`peer ${node.peerId}`)
  onShutdown(async () => { await node.stop() })
}
