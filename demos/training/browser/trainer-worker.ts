/**
 * The training tab's Web Worker: the trainer of `src/compute/trainer.ts`
 * (the MLP's forward and backward passes and the inner optimiser) over this
 * tab's shard, one round per `round` message. See protocol.ts.
 */
import { createTrainer } from '../../../src/compute/trainer.ts'
import type { Trainer } from '../../../src/compute/trainer.ts'
import type { FromWorker, ToWorker } from './protocol.ts'

let trainer: Trainer | undefined

function reply (message: FromWorker, transfer: Transferable[] = []): void {
  postMessage(message, { transfer })
}

addEventListener('message', (evt: MessageEvent<ToWorker>) => {
  const msg = evt.data
  const id = msg.type === 'round' ? msg.id : undefined
  try {
    if (msg.type === 'init') {
      trainer = createTrainer(msg.init)
      reply({ type: 'ready' })
    } else if (msg.type === 'round') {
      if (trainer == null) throw new Error('the trainer is not initialised')
      const { delta, samples } = trainer.runRound(msg.params)
      reply({ type: 'delta', id: msg.id, delta, samples }, [delta.buffer])
    }
  } catch (err: any) {
    reply({ type: 'error', id, name: err?.name ?? 'Error', message: err?.message ?? String(err) })
  }
})
