/**
 * The handlers `meshwork worker --handler NAME` can serve.
 */
import { demoLlm } from '../../src/models/demo-llm.ts'
import { UsageError } from './args.ts'
import type { Handler, ServeOptions } from '../../src/types.ts'

export interface HandlerOptions {
  tokenDelayMs: number
}

export interface BuiltinHandler {
  handler: Handler
  options: ServeOptions
}

export const HANDLER_NAMES = ['echo', 'demo-llm'] as const

export function builtinHandler (name: string, options: HandlerOptions): BuiltinHandler {
  switch (name) {
    case 'echo':
      return { handler: async (input: unknown) => input, options: {} }
    case 'demo-llm':
      return { handler: demoLlm({ tokenDelayMs: options.tokenDelayMs }), options: { resume: 'continue' } }
    default:
      throw new UsageError(`unknown handler "${name}"; use one of ${HANDLER_NAMES.join(', ')}`)
  }
}
