/**
 * The Web Worker that runs the demo model for this tab, so generating
 * tokens never blocks the page. Pull-based: the tab asks for the next
 * token of a task, the worker answers after the model's pace. Messages:
 *
 * - `{ rid, type: 'open', task, prompt, maxTokens, tokens }` starts a task
 *   (tokens: what the caller already has, when the task resumes here)
 * - `{ rid, type: 'next', task }` answers `{ rid, token }` or `{ rid, done: true }`
 * - `{ type: 'close', task }` forgets a task
 *
 * Failures answer `{ rid, error: { name, message } }`.
 */
import { nextToken, parseDemoLlmInput } from 'meshwork/browser'
import type { ModelReply, ModelRequest } from './model-protocol.ts'

/** Tasks open at once, at most (the tab serves far fewer). */
const MAX_TASKS = 64

interface Task {
  prompt: string
  maxTokens: number
  tokens: string[]
}

const tasks = new Map<string, Task>()
let tokenDelayMs = 20

function reply (message: ModelReply): void {
  postMessage(message)
}

function fail (rid: number, name: string, message: string): void {
  reply({ rid, error: { name, message } })
}

addEventListener('message', (evt: MessageEvent<ModelRequest>) => {
  const msg = evt.data
  switch (msg.type) {
    case 'configure':
      tokenDelayMs = msg.tokenDelayMs
      return
    case 'close':
      tasks.delete(msg.task)
      return
    case 'open': {
      if (tasks.size >= MAX_TASKS) {
        fail(msg.rid, 'RateLimitedError', `the model runs at most ${MAX_TASKS} tasks`)
        return
      }
      try {
        const { prompt, maxTokens } = parseDemoLlmInput({ prompt: msg.prompt, maxTokens: msg.maxTokens })
        tasks.set(msg.task, { prompt, maxTokens, tokens: msg.tokens.slice(0, maxTokens) })
        reply({ rid: msg.rid })
      } catch (err: any) {
        fail(msg.rid, err.name, err.message)
      }
      return
    }
    case 'next': {
      const task = tasks.get(msg.task)
      if (task == null) {
        fail(msg.rid, 'ProtocolError', 'no such task')
        return
      }
      setTimeout(() => {
        if (tasks.get(msg.task) !== task) {
          return
        }
        if (task.tokens.length >= task.maxTokens) {
          reply({ rid: msg.rid, done: true })
          return
        }
        const token = nextToken(task.prompt, task.tokens, task.tokens.length)
        task.tokens.push(token)
        reply({ rid: msg.rid, token })
      }, tokenDelayMs)
    }
  }
})
