/**
 * The tab's side of its training Web Worker: a round trainer whose rounds
 * run in the worker, for `runRoundTrainer`. One round at a time, as the
 * trainer's loop asks for them. What fails in the worker rejects with a
 * `RemoteError` whose `code` is the error's name there.
 */
import { AbortError, InvalidArgumentError, RemoteError } from '../../../src/errors.ts'
import type { RoundTrainer } from '../../../src/compute/round-mesh.ts'
import type { TrainerInit } from '../../../src/compute/trainer.ts'
import type { Contribution } from '../../../src/compute/outer.ts'
import type { FromWorker, ToWorker } from './protocol.ts'

/** A trainer running in `worker`, and a way to end the worker. */
export interface WorkerTrainer extends RoundTrainer {
  terminate(): void
}

/** Sends `init` to `worker` (transferring the shard) and resolves once it built the trainer. */
export async function workerTrainer (worker: Worker, init: TrainerInit): Promise<WorkerTrainer> {
  let pending: { id: number, resolve: (c: Contribution) => void, reject: (err: Error) => void } | undefined
  let nextId = 0
  const post = (message: ToWorker, transfer: Transferable[] = []): void => { worker.postMessage(message, { transfer }) }
  await new Promise<void>((resolve, reject) => {
    worker.onerror = (evt) => { reject(new RemoteError(evt.message, { code: 'WorkerError' })) }
    worker.onmessage = (evt: MessageEvent<FromWorker>) => {
      const msg = evt.data
      if (msg.type === 'ready') resolve()
      else if (msg.type === 'error') reject(new RemoteError(msg.message, { code: msg.name }))
    }
    post({ type: 'init', init }, [init.shard.inputs.buffer, init.shard.labels.buffer])
  })
  worker.onerror = (evt) => { pending?.reject(new RemoteError(evt.message, { code: 'WorkerError' })) }
  worker.onmessage = (evt: MessageEvent<FromWorker>) => {
    const msg = evt.data
    if (pending == null || (msg.type !== 'delta' && msg.type !== 'error') || msg.id !== pending.id) return
    const { resolve, reject } = pending
    pending = undefined
    if (msg.type === 'delta') resolve({ delta: msg.delta, samples: msg.samples })
    else reject(new RemoteError(msg.message, { code: msg.name }))
  }
  return {
    innerSteps: init.innerSteps,
    async runRound (global) {
      if (pending != null) throw new InvalidArgumentError('the worker runs one round at a time')
      const id = nextId++
      const done = new Promise<Contribution>((resolve, reject) => { pending = { id, resolve, reject } })
      // a copy: the caller keeps its parameters
      const params = global.slice()
      post({ type: 'round', id, params }, [params.buffer])
      return done
    },
    terminate () {
      worker.terminate()
      pending?.reject(new AbortError('the worker was stopped'))
      pending = undefined
    }
  }
}
