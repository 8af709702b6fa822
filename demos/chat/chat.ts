/**
 * The chat panel: sends a prompt to `demo-llm`, streams the tokens into
 * the output as they arrive, and shows which peer answered, including any
 * move to another peer on the way. A new prompt cancels the one before and
 * clears the output.
 */
import { shortId } from './mesh-view.ts'
import type { MeshNode, TaskEvent, TaskStream } from 'meshwork/browser'

export interface ChatElements {
  form: HTMLFormElement
  prompt: HTMLTextAreaElement
  maxTokens: HTMLInputElement
  target: HTMLSelectElement
  send: HTMLButtonElement
  stop: HTMLButtonElement
  output: HTMLElement
  answeredBy: HTMLElement
}

export interface ChatHooks {
  /** A token arrived from `worker` */
  onToken(worker: string): void
  /** Something worth a line in the event log */
  onEvent(text: string): void
}

/** A whole answer has a deadline; the model's tokens come at a steady pace. */
const STREAM_TIMEOUT_MS = 120_000

export interface Chat {
  /** Shows a task recovered from the journal as the current answer (it streams from its first token). */
  resume(prompt: string, stream: TaskStream<string>): void
  stop(): void
}

export function chat (node: MeshNode, el: ChatElements, hooks: ChatHooks): Chat {
  let current: TaskStream<string> | undefined
  /** Workers of the current answer, in order; more than one means it was moved */
  let chain: string[] = []
  let reasons: string[] = []

  const label = (peer: string): string => {
    const role = node.peers().find(p => p.peerId === peer)?.role
    return `${shortId(peer)}${role != null ? ` (${role === 'browser' ? 'tab' : role})` : ''}`
  }

  const showAnsweredBy = (): void => {
    const worker = chain[chain.length - 1]
    el.answeredBy.dataset.worker = worker ?? ''
    el.answeredBy.dataset.reroutedFrom = chain.slice(0, -1).join(' ')
    el.answeredBy.title = chain.join(' → ')
    if (worker == null) {
      el.answeredBy.textContent = ''
      return
    }
    const moved = chain.length > 1
      ? ` — rerouted from ${chain.slice(0, -1).map(label).join(', ')} (${reasons.join(', ')})`
      : ''
    el.answeredBy.textContent = `answered by ${label(worker)}${moved}`
  }

  const onDispatch = (evt: CustomEvent<TaskEvent>): void => {
    if (evt.detail.taskId !== current?.id) {
      return
    }
    if (chain[chain.length - 1] !== evt.detail.peerId) {
      chain.push(evt.detail.peerId)
    }
    showAnsweredBy()
  }
  const onFailover = (evt: CustomEvent<TaskEvent>): void => {
    const { taskId, from, reason, peerId, elapsedMs } = evt.detail
    if (taskId !== current?.id) {
      return
    }
    reasons.push(reason ?? 'moved')
    hooks.onEvent(`answer moved from ${shortId(from ?? '?')} to ${shortId(peerId)}: ${reason ?? ''} after ${elapsedMs ?? 0} ms`)
    showAnsweredBy()
  }
  node.addEventListener('task:dispatch', onDispatch)
  node.addEventListener('task:failover', onFailover)

  /** Clears the answer for a new task. */
  function reset (): void {
    current?.cancel()
    current = undefined
    chain = []
    reasons = []
    el.output.textContent = ''
    el.output.dataset.state = 'streaming'
    delete el.output.dataset.error
    showAnsweredBy()
  }

  async function ask (): Promise<void> {
    reset()
    const prompt = el.prompt.value.trim()
    const maxTokens = Number(el.maxTokens.value)
    let stream: TaskStream<string>
    try {
      stream = node.stream<string>('demo-llm', { prompt, maxTokens }, {
        timeoutMs: STREAM_TIMEOUT_MS,
        preferPeer: el.target.value !== '' ? el.target.value : undefined
      })
    } catch (err: any) {
      showError(err)
      return
    }
    await follow(stream)
  }

  /** Streams a task's tokens into the output. */
  async function follow (stream: TaskStream<string>): Promise<void> {
    current = stream
    // with a channel already open, the task went out inside stream(), before its event could be matched
    if (stream.worker != null && chain.length === 0) {
      chain.push(stream.worker)
      showAnsweredBy()
    }
    el.output.dataset.task = stream.id
    el.stop.disabled = false
    // appended as text nodes: no re-render of what is already there
    try {
      for await (const token of stream) {
        if (current !== stream) {
          return
        }
        el.output.append(token)
        hooks.onToken(stream.worker ?? chain[chain.length - 1] ?? '')
      }
      if (current === stream) {
        el.output.dataset.state = 'done'
        hooks.onEvent(`answer of ${el.output.textContent?.split(' ').length ?? 0} words from ${label(chain[chain.length - 1] ?? '?')}`)
      }
    } catch (err: any) {
      if (current === stream) {
        showError(err)
      }
    } finally {
      if (current === stream) {
        current = undefined
        el.stop.disabled = true
      }
    }
  }

  function showError (err: Error): void {
    el.output.dataset.state = 'error'
    el.output.dataset.error = err.name
    hooks.onEvent(`error: ${err.name}: ${err.message}`)
    el.answeredBy.textContent = `${err.name}: ${err.message}`
  }

  const onSubmit = (evt: SubmitEvent): void => {
    evt.preventDefault()
    void ask()
  }
  const onStop = (): void => { current?.cancel() }
  el.form.addEventListener('submit', onSubmit)
  el.stop.addEventListener('click', onStop)

  return {
    resume: (prompt, stream) => {
      reset()
      el.prompt.value = prompt
      void follow(stream)
    },
    stop: () => {
      current?.cancel()
      el.form.removeEventListener('submit', onSubmit)
      el.stop.removeEventListener('click', onStop)
      node.removeEventListener('task:dispatch', onDispatch)
      node.removeEventListener('task:failover', onFailover)
    }
  }
}
