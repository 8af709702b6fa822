/**
 * What every case gets from the runner, and the one way every case runs a
 * system: relay (meshwork only), server and requester, each its own process.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { startRelay } from '../lib/relay.ts'
import type { ConnectOptions, ServeOptions } from '../systems/types.ts'

export interface BenchContext {
  quick: boolean
  natsUrl: string
  redisUrl: string
  log(line: string): void
}

export interface SystemRunOptions {
  workers?: number
  concurrency?: number
  maxInFlight?: number
  /** Node flags of the requester process (e.g. --cpu-prof) */
  clientNodeArgs?: string[]
  serverNodeArgs?: string[]
}

/** Tasks a worker runs at once, for every system that bounds it. */
export const WORKER_CONCURRENCY = 64

/** Runs `caseName` for one system and returns the requester's result. */
export async function runSystemCase (ctx: BenchContext, system: string, caseName: string, params: unknown, options: SystemRunOptions = {}): Promise<Record<string, any>> {
  const relay = system === 'meshwork' ? await startRelay() : undefined
  const serve: ServeOptions = {
    workers: options.workers ?? 1,
    natsUrl: ctx.natsUrl,
    redisUrl: ctx.redisUrl,
    bootstrap: relay?.addr,
    concurrency: options.concurrency ?? WORKER_CONCURRENCY
  }
  const server = spawnChild(`${system} server`, benchFile('roles/server.ts'), [system, JSON.stringify(serve)], {
    expectReady: true,
    nodeArgs: options.serverNodeArgs
  })
  try {
    const { info } = await server.ready
    const connect: ConnectOptions = { ...serve, maxInFlight: options.maxInFlight ?? 64 }
    const client = spawnChild(`${system} ${caseName} requester`, benchFile('roles/client.ts'), [
      system, caseName, JSON.stringify(info), JSON.stringify(connect), JSON.stringify(params)
    ], { nodeArgs: options.clientNodeArgs })
    try {
      const { type: _type, ...result } = await client.result
      return result
    } finally {
      await client.stop()
    }
  } finally {
    await server.stop()
    await relay?.stop()
  }
}
