/**
 * Serves `demo-llm` from this tab: a streaming handler whose tokens come
 * from the model running in a Web Worker (llm-worker.ts). A task moved here
 * from another worker continues from the tokens the caller already has.
 */
import { DEFAULT_TOKEN_DELAY_MS, demoLlm, parseDemoLlmInput } from 'meshwork/browser'
import type { ModelReply, ModelRequest } from './model-protocol.ts'
import type { Handler, HandlerContext } from 'meshwork/browser'

export interface TabModel {
  handler: Handler
  /** Ends the Web Worker; tasks still running fail. */
  stop(): void
}

/** A model reply that carried an error, rebuilt with its name. */
class ModelError extends Error {
  constructor (name: string, message: string) {
    super(message)
    this.name = name
  }
}

export function tabModel (options: { tokenDelayMs?: number } = {}): TabModel {
  const tokenDelayMs = options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS
  if (typeof Worker === 'undefined') {
    // no Web Workers here: run the model on the page
    return { handler: demoLlm({ tokenDelayMs }), stop: () => {} }
  }
  const worker = new Worker(new URL('./llm-worker.ts', import.meta.url), { type: 'module', name: 'demo-llm' })
  // each running task waits on one reply at a time, so this stays as small as the concurrency
  const pending = new Map<number, { resolve(reply: ModelReply): void, reject(err: Error): void }>()
  let rid = 0
  let stopped = false

  const send = (message: ModelRequest): void => { worker.postMessage(message) }
  send({ type: 'configure', tokenDelayMs })

  worker.addEventListener('message', (evt: MessageEvent<ModelReply>) => {
    const reply = evt.data
    const waiter = pending.get(reply.rid)
    pending.delete(reply.rid)
    if (reply.error != null) {
      waiter?.reject(new ModelError(reply.error.name, reply.error.message))
    } else {
      waiter?.resolve(reply)
    }
  })

  async function call (message: ModelRequest & { rid: number }, signal: AbortSignal): Promise<ModelReply> {
    signal.throwIfAborted()
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        pending.delete(message.rid)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      pending.set(message.rid, {
        resolve: (reply) => { signal.removeEventListener('abort', onAbort); resolve(reply) },
        reject: (err) => { signal.removeEventListener('abort', onAbort); reject(err) }
      })
      send(message)
    })
  }

  const handler = async function * (input: unknown, ctx: HandlerContext): AsyncGenerator<string> {
    if (stopped) {
      throw new ModelError('NotStartedError', 'the model was stopped')
    }
    // bad input fails here, on the page, with the model's own error
    const { prompt, maxTokens } = parseDemoLlmInput(input)
    const task = `${ctx.requester}/${ctx.taskId}/${ctx.attempt}`
    await call({ type: 'open', rid: rid++, task, prompt, maxTokens, tokens: ctx.resume.chunks.map(String) }, ctx.signal)
    try {
      while (true) {
        const reply = await call({ type: 'next', rid: rid++, task }, ctx.signal)
        if (reply.done === true) {
          return
        }
        yield reply.token ?? ''
      }
    } finally {
      send({ type: 'close', task })
    }
  }

  return {
    handler,
    stop: () => {
      stopped = true
      worker.terminate()
      for (const waiter of pending.values()) {
        waiter.reject(new ModelError('NotStartedError', 'the model was stopped'))
      }
      pending.clear()
    }
  }
}
