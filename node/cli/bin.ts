#!/usr/bin/env node
/**
 * The `meshwork` command: start | relay | worker | request | peers | top | gateway | key | token | kv.
 */
import { UsageError } from './args.ts'

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void>, usage: string }>> = {
  start: async () => import('./commands/start.ts'),
  relay: async () => import('./commands/relay.ts'),
  worker: async () => import('./commands/worker.ts'),
  request: async () => import('./commands/request.ts'),
  peers: async () => import('./commands/peers.ts'),
  top: async () => import('./commands/top.ts'),
  gateway: async () => import('./commands/gateway.ts'),
  key: async () => import('./commands/key.ts'),
  token: async () => import('./commands/token.ts'),
  kv: async () => import('./commands/kv.ts')
}

const usage = `usage: meshwork <command> [options]

commands:
  start     a local mesh: relay, demo workers and the browser demo
  relay     a bootstrap peer and circuit relay (TCP and WebSocket)
  worker    serve a service (echo, demo-llm, openai); --group: host a consensus group
  request   call a service and print the reply
  peers     print the live peer table
  top       a live view of the mesh: load, tasks/s, p50/p99, failovers
  gateway   an OpenAI-compatible HTTP API into the mesh
  key       create a peer identity file and print its peer id
  token     sign a capability token for a protected service
  kv        get, put, del, cas, lock or status on a consensus group

meshwork <command> --help shows a command's options.`

async function main (): Promise<void> {
  const [name, ...argv] = process.argv.slice(2)
  if (name == null || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage)
    return
  }
  const load = commands[name]
  if (load == null) {
    throw new UsageError(`unknown command "${name}"`)
  }
  const command = await load()
  try {
    await command.run(argv)
  } catch (err) {
    if (err instanceof UsageError) {
      err.message += `\n\n${command.usage}`
    }
    throw err
  }
}

main().catch((err: any) => {
  if (err instanceof UsageError) {
    process.stderr.write(`meshwork: ${err.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`meshwork: ${err?.name ?? 'Error'}: ${err?.message ?? err}\n`)
  process.exit(1)
})
