/**
 * Training rounds over a mesh: the coordinator's services on a node, the
 * client a trainer talks to it through, and the trainer's loop.
 *
 * @example
 * ```ts
 * const client = roundClient(node, 'mnist', () => local?.handlers)
 * const result = await runRoundTrainer({ client, trainer, name: 'trainer-0', encoding: 'int8', size })
 * ```
 */

import { logger } from '@libp2p/logger'
import { decodeParamsMessage, encodeReport } from './round-wire.ts'
import { roundServices } from './round-coordinator.ts'
import type { RoundCoordinator, RoundHandlers } from './round-coordinator.ts'
import type { ParamEncoding } from './codec.ts'
import type { ParamsHeader, ReportAnswer } from './round-wire.ts'
import type { Contribution } from './outer.ts'
import type { MeshNode } from '../types.ts'

const log = logger('meshwork:rounds')

/** How long a trainer waits for a call to the coordinator (a parameter request waits out a round). */
export const DEFAULT_ROUND_CALL_TIMEOUT_MS = 60_000
/** Pause before a trainer asks again after a failed call (the coordinator may be changing). */
export const ROUND_RETRY_MS = 250
/** How long a trainer keeps retrying without reaching any coordinator. */
export const DEFAULT_ROUND_GIVE_UP_MS = 60_000
/** After a trainer's connection closes, how long before it counts as gone (a redial may follow). */
export const PEER_GONE_GRACE_MS = 500

/** A trainer's view of the coordinator. */
export interface RoundClient {
  join(trainer: string, options?: { signal?: AbortSignal }): Promise<{ firstRound: number }>
  params(round: number, options?: { signal?: AbortSignal }): Promise<{ header: ParamsHeader, params: Float32Array }>
  report(bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<ReportAnswer>
}

/** A client through the mesh, whose calls in flight can be cut short. */
export interface MeshRoundClient extends RoundClient {
  /**
   * Ends the calls in flight over the mesh (they reject with AbortError):
   * for when this node became the coordinator, which its calls waiting on
   * the old one would never reach.
   */
  interrupt(): void
}

/**
 * Serves `coordinator` as run `run` on `node`, and takes a trainer out of
 * its round once its peer's connections are gone. Returns a function that
 * stops serving.
 */
export function serveRoundCoordinator (node: MeshNode, run: string, coordinator: RoundCoordinator): () => void {
  const services = roundServices(run)
  const { handlers } = coordinator
  node.serve(services.join, (input, ctx) => handlers.join(input, ctx.requester), { concurrency: 64 })
  node.serve(services.params, async (input, ctx) => handlers.params(input, ctx.requester, ctx.signal), { concurrency: 256 })
  node.serve(services.report, (input, ctx) => handlers.report(input, ctx.requester), { concurrency: 64 })
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const onDisconnect = (event: CustomEvent<{ toString(): string }>): void => {
    const peerId = event.detail.toString()
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (node.libp2p.getConnections(event.detail as any).length === 0) coordinator.peerGone(peerId)
    }, PEER_GONE_GRACE_MS)
    timers.add(timer)
  }
  node.libp2p.addEventListener('peer:disconnect', onDisconnect as any)
  return () => {
    node.libp2p.removeEventListener('peer:disconnect', onDisconnect as any)
    for (const t of timers) clearTimeout(t)
    for (const s of Object.values(services)) node.unserve(s)
  }
}

/**
 * The client of run `run` on `node`: through the mesh, or straight to
 * `local()` when this node is the coordinator itself.
 */
export function roundClient (node: MeshNode, run: string, local: () => RoundHandlers | undefined, options: { size: number, timeoutMs?: number }): MeshRoundClient {
  const services = roundServices(run)
  let interrupted = new AbortController()
  const callSignal = (signal?: AbortSignal): AbortSignal => signal == null ? interrupted.signal : AbortSignal.any([signal, interrupted.signal])
  const timeoutMs = options.timeoutMs ?? DEFAULT_ROUND_CALL_TIMEOUT_MS
  const decode = (bytes: unknown): { header: ParamsHeader, params: Float32Array } => decodeParamsMessage(bytes, { expectedValues: options.size })
  return {
    async join (trainer, opts = {}) {
      const input = { trainer }
      return local()?.join(input, node.peerId) ?? node.request(services.join, input, { timeoutMs, signal: callSignal(opts.signal) })
    },
    async params (round, opts = {}) {
      const here = local()
      const input = { round }
      return decode(here != null ? await here.params(input, node.peerId, opts.signal) : await node.request(services.params, input, { timeoutMs, signal: callSignal(opts.signal) }))
    },
    async report (bytes, opts = {}) {
      return local()?.report(bytes, node.peerId) ?? node.request(services.report, bytes, { timeoutMs, signal: callSignal(opts.signal), maxAttempts: 1 })
    },
    interrupt () {
      interrupted.abort()
      interrupted = new AbortController()
    }
  }
}

/**
 * What trains a round: a `Trainer` of `trainer.ts`, or one whose rounds run
 * elsewhere (a browser tab's Web Worker) and resolve later.
 */
export interface RoundTrainer {
  /** Trains from `global` and returns the round's contribution. */
  runRound(global: Float32Array): Contribution | Promise<Contribution>
  /** Inner steps each round runs */
  readonly innerSteps: number
}

/** What a trainer's loop needs. */
export interface RoundTrainerInit {
  client: RoundClient
  trainer: RoundTrainer
  /** The trainer's name in the run (the same across its restarts) */
  name: string
  encoding: ParamEncoding
  signal?: AbortSignal
  /** Give up after failing to reach a coordinator for this long */
  giveUpMs?: number
  /** Hears each round's starting parameters as they arrive */
  onParams?(header: ParamsHeader, params: Float32Array): void
  /** Hears the answer to each report */
  onReport?(round: number, answer: ReportAnswer): void
}

/**
 * Joins the run and trains round after round until the coordinator says it
 * is over; resolves with the final parameters. A failed call (the
 * coordinator gone or changing) makes the trainer join again and pull the
 * current parameters.
 */
export async function runRoundTrainer (init: RoundTrainerInit): Promise<{ header: ParamsHeader, params: Float32Array }> {
  const { client, trainer, name, signal } = init
  const giveUpMs = init.giveUpMs ?? DEFAULT_ROUND_GIVE_UP_MS
  let failingSince: number | undefined
  for (;;) {
    try {
      let want = (await client.join(name, { signal })).firstRound
      for (;;) {
        const got = await client.params(want, { signal })
        failingSince = undefined
        init.onParams?.(got.header, got.params)
        if (got.header.done) return got
        const { delta, samples } = await trainer.runRound(got.params)
        const answer = await client.report(encodeReport({ trainer: name, round: got.header.round, samples, steps: trainer.innerSteps }, delta, init.encoding), { signal })
        init.onReport?.(got.header.round, answer)
        if (!answer.accepted && answer.reason === 'unknown-trainer') break
        want = answer.nextRound
      }
    } catch (err: any) {
      if (signal?.aborted === true) throw err
      failingSince ??= Date.now()
      if (Date.now() - failingSince > giveUpMs) throw err
      log('trainer %s: %s; joining again', name, err.message)
      await new Promise(resolve => setTimeout(resolve, ROUND_RETRY_MS))
    }
  }
}
