/**
 * Assembles the tool calls of a streamed OpenAI answer from its
 * `delta.tool_calls` pieces: the first piece of a call carries its `index`,
 * `id` and `function.name`, later pieces of the same `index` more of
 * `function.arguments`. Nothing leaves until the answer ends, so a half
 * call never reaches the mesh.
 *
 * @example
 * ```ts
 * const calls = new ToolCallAssembler()
 * for (const chunk of chunks) calls.add(chunk.choices[0].delta.tool_calls)
 * const complete = calls.calls() // [{ id, type: 'function', function: { name, arguments } }]
 * ```
 */
import { MAX_TOOL_ARGUMENTS_CHARS, MAX_TOOL_CALLS, MAX_TOOL_CALLS_CHARS } from '../../src/models/tools.ts'
import type { ToolCall } from '../../src/models/tools.ts'

/** A model server's piece of a tool call that cannot be assembled. */
export class ToolCallPieceError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ToolCallPieceError'
  }
}

export class ToolCallAssembler {
  private readonly byIndex = new Map<number, { id: string, name: string, args: string[], chars: number }>()
  private chars = 0

  get size (): number {
    return this.byIndex.size
  }

  /** Takes the `delta.tool_calls` of one chunk (absent, or an array of pieces). */
  add (pieces: unknown): void {
    if (pieces == null) {
      return
    }
    if (!Array.isArray(pieces)) {
      throw new ToolCallPieceError('delta.tool_calls is not an array')
    }
    for (const piece of pieces) {
      const index = piece?.index ?? (this.byIndex.size === 0 ? 0 : undefined)
      if (!Number.isInteger(index) || index < 0 || index >= MAX_TOOL_CALLS) {
        throw new ToolCallPieceError(`a tool call piece has no index from 0 to ${MAX_TOOL_CALLS - 1}`)
      }
      let call = this.byIndex.get(index)
      if (call == null) {
        call = { id: '', name: '', args: [], chars: 0 }
        this.byIndex.set(index, call)
      }
      if (typeof piece.id === 'string' && piece.id !== '') {
        call.id = piece.id
      }
      const fn = piece.function
      if (typeof fn?.name === 'string' && fn.name !== '') {
        // servers send the name whole in the first piece; some repeat it
        call.name = fn.name
      }
      if (typeof fn?.arguments === 'string' && fn.arguments !== '') {
        call.chars += fn.arguments.length
        this.chars += fn.arguments.length
        if (call.chars > MAX_TOOL_ARGUMENTS_CHARS || this.chars > MAX_TOOL_CALLS_CHARS) {
          throw new ToolCallPieceError(`tool call arguments run past ${MAX_TOOL_ARGUMENTS_CHARS} characters a call or ${MAX_TOOL_CALLS_CHARS} in all`)
        }
        call.args.push(fn.arguments)
      }
    }
  }

  /** The complete calls, in index order. */
  calls (): ToolCall[] {
    return [...this.byIndex].sort(([a], [b]) => a - b).map(([index, call]) => {
      if (call.name === '') {
        throw new ToolCallPieceError(`tool call ${index} has no function name`)
      }
      return {
        id: call.id !== '' ? call.id : `call_${index}`,
        type: 'function',
        function: { name: call.name, arguments: call.args.join('') }
      }
    })
  }
}
