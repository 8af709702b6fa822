/**
 * What every case gets from the runner, and the one way every case runs a
 * system: relay (meshwork only), server and requester, each its own process.
 */
import { benchFile, spawnChild } from '../lib/child.ts'
import { cpuMsOf } from '../lib/proc-stats.ts'
import { startRelay } from '../lib/relay.ts'
import type { ConnectOptions, ServeOptions } from '../systems/types.ts'

export interface BenchContext {
  quick: boolean
  natsUrl: string
  redisUrl: string
  /** Broker process ids, when running */
  natsPid?: number
  redisPid?: number
  log(line: string): void
}

export interface SystemRunOptions {
  workers?: number
  concurrency?: number
  maxInFlight?: number
  /** Node flags of the requester process (e.g. --cpu-prof) */
  clientNodeArgs?: string[]
  serverNodeArgs?: string[]
  /** Environment of the requester and server processes (e.g. OTEL_*) */
  env?: Record<string, string>
  /** meshwork: metrics on in every peer (`full`: with libp2p's per-message figures) */
  metrics?: boolean | 'full'
}

const CLIENT_EXIT_GRACE_MS = 10_000

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
    concurrency: options.concurrency ?? WORKER_CONCURRENCY,
    metrics: options.metrics
  }
  const server = spawnChild(`${system} server`, benchFile('roles/server.ts'), [system, JSON.stringify(serve)], {
    expectReady: true,
    nodeArgs: options.serverNodeArgs,
    env: options.env
  })
  try {
    const { info } = await server.ready
    const broker = system === 'nats' ? ctx.natsPid : system === 'redis' ? ctx.redisPid : relay?.pid
    const cpu0 = { server: cpuMsOf(server.pid), other: broker != null && broker > 0 ? cpuMsOf(broker) : 0 }
    const connect: ConnectOptions = { ...serve, maxInFlight: options.maxInFlight ?? 64 }
    const client = spawnChild(`${system} ${caseName} requester`, benchFile('roles/client.ts'), [
      system, caseName, JSON.stringify(info), JSON.stringify(connect), JSON.stringify(params)
    ], { nodeArgs: options.clientNodeArgs, env: options.env })
    try {
      const { type: _type, ...result } = await client.result
      // CPU of the serving side over the requester's whole run: the worker
      // process, plus the broker (NATS, Redis) or the relay (meshwork)
      result.serverCpuMs = Math.round(cpuMsOf(server.pid) - cpu0.server)
      result.brokerCpuMs = broker != null && broker > 0 ? Math.round(cpuMsOf(broker) - cpu0.other) : 0
      // let it exit by itself (a profile is written on exit)
      await Promise.race([client.exited, new Promise(resolve => setTimeout(resolve, CLIENT_EXIT_GRACE_MS))])
      return result
    } finally {
      await client.stop()
    }
  } finally {
    await server.stop()
    await relay?.stop()
  }
}
