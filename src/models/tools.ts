/**
 * Tool calls in `llm.chat`, in the shapes of OpenAI's chat API: the tools a
 * request offers, the calls an answer makes, and how a worker says its
 * model takes tools.
 *
 * An answer's tool calls travel as one chunk, `{ tool_calls: [...] }`,
 * sent once they are all complete and always the last chunk of the answer.
 * So a worker that dies while a model writes a call leaves nothing of it
 * with the caller, and the attempt that resumes the answer generates the
 * calls anew: the caller gets each call once and whole.
 *
 * A worker whose model takes tools announces, beside the model's name, the
 * name {@link toolsModel} gives; a request offering tools is routed by that
 * name, so it reaches only such workers.
 *
 * @example
 * ```ts
 * node.serve(LLM_CHAT_SERVICE, handler, { resume: 'continue', models: ['llama', toolsModel('llama')] })
 * for await (const chunk of node.stream(LLM_CHAT_SERVICE, request, { model: toolsModel('llama') })) {
 *   if (isToolCallsChunk(chunk)) console.log(chunk.tool_calls)
 * }
 * ```
 */

/** Tools one request may offer (OpenAI's limit). */
export const MAX_TOOLS = 128
/** Tool calls in one message at most. */
export const MAX_TOOL_CALLS = 128
/** Characters of the JSON of a request's tools, or of its response format, at most. */
export const MAX_TOOLS_JSON_CHARS = 256 * 1024
/** Characters of one tool call's arguments at most. */
export const MAX_TOOL_ARGUMENTS_CHARS = 256 * 1024
/** Characters of all the arguments of one answer's tool calls at most (they travel as one chunk). */
export const MAX_TOOL_CALLS_CHARS = 1024 * 1024
/** What a tool's name may be: OpenAI's rule. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/
/** Longest tool call id. */
const MAX_TOOL_CALL_ID_CHARS = 256

/** The suffix of the name a worker announces for a model that takes tools. */
export const TOOLS_MODEL_SUFFIX = '+tools'

/** The name announced (and routed by) for `model` taking tools. */
export function toolsModel (model: string): string {
  return `${model}${TOOLS_MODEL_SUFFIX}`
}

/** Whether an announced name is a {@link toolsModel} tag rather than a model. */
export function isToolsTag (name: string): boolean {
  return name.endsWith(TOOLS_MODEL_SUFFIX)
}

export interface ToolFunction {
  name: string
  description?: string
  /** JSON Schema of the arguments */
  parameters?: Record<string, unknown>
  strict?: boolean
}

export interface Tool {
  type: 'function'
  function: ToolFunction
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function', function: { name: string } }

export interface ToolCall {
  id: string
  type: 'function'
  /** `arguments` is JSON text, as the model wrote it */
  function: { name: string, arguments: string }
}

/** The last chunk of an answer that calls tools: every call, complete. */
export interface ToolCallsChunk {
  tool_calls: ToolCall[]
}

/** A chunk of an `llm.chat` answer: a token of text, or the answer's tool calls. */
export type ChatChunk = string | ToolCallsChunk

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema', json_schema: { name: string, description?: string, schema?: Record<string, unknown>, strict?: boolean } }

/** Reports a bad field: throws the caller's error for `message` about `param`. */
export type Fail = (message: string, param: string) => never

export function isToolCallsChunk (chunk: unknown): chunk is ToolCallsChunk {
  return chunk != null && typeof chunk === 'object' && Array.isArray((chunk as any).tool_calls)
}

/**
 * The text tokens of an answer's chunks already delivered, or undefined
 * when they include its tool calls (the answer is complete).
 */
export function resumedText (chunks: unknown[]): string[] | undefined {
  if (chunks.some(isToolCallsChunk)) {
    return undefined
  }
  return chunks.map(String)
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value)
}

function boundedJson (value: unknown, param: string, fail: Fail): void {
  if (JSON.stringify(value).length > MAX_TOOLS_JSON_CHARS) {
    fail(`${param} is at most ${MAX_TOOLS_JSON_CHARS} characters of JSON`, param)
  }
}

/** Checks `tools` and returns them with only the known fields. */
export function checkTools (value: unknown, fail: Fail): Tool[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TOOLS) {
    return fail(`tools is an array of 1 to ${MAX_TOOLS} tools`, 'tools')
  }
  boundedJson(value, 'tools', fail)
  const names = new Set<string>()
  return value.map((tool: any, i): Tool => {
    const param = `tools[${i}]`
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
      return fail('each tool is { type: "function", function: { name, description?, parameters? } }', param)
    }
    const fn = tool.function
    if (typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) {
      return fail('a tool\'s name is 1 to 64 letters, digits, _ or -', `${param}.function.name`)
    }
    if (names.has(fn.name)) {
      return fail(`two tools are named "${fn.name}"`, `${param}.function.name`)
    }
    names.add(fn.name)
    const out: ToolFunction = { name: fn.name }
    if (fn.description != null) {
      if (typeof fn.description !== 'string') {
        return fail('description is a string', `${param}.function.description`)
      }
      out.description = fn.description
    }
    if (fn.parameters != null) {
      if (!isObject(fn.parameters)) {
        return fail('parameters is a JSON Schema object', `${param}.function.parameters`)
      }
      out.parameters = fn.parameters
    }
    if (fn.strict != null) {
      if (typeof fn.strict !== 'boolean') {
        return fail('strict is a boolean', `${param}.function.strict`)
      }
      out.strict = fn.strict
    }
    return { type: 'function', function: out }
  })
}

/** Checks `tool_choice` against the tools offered. */
export function checkToolChoice (value: unknown, tools: Tool[] | undefined, fail: Fail): ToolChoice {
  if (value === 'none' || value === 'auto' || value === 'required') {
    if (value !== 'none' && tools == null) {
      return fail(`tool_choice "${value}" needs tools`, 'tool_choice')
    }
    return value
  }
  const name = (value as any)?.function?.name
  if (!isObject(value) || value.type !== 'function' || typeof name !== 'string') {
    return fail('tool_choice is "none", "auto", "required" or { type: "function", function: { name } }', 'tool_choice')
  }
  if (tools?.some(t => t.function.name === name) !== true) {
    return fail(`tool_choice names "${name}", which is not among the tools`, 'tool_choice')
  }
  return { type: 'function', function: { name } }
}

/** Checks the `tool_calls` of an assistant message. */
export function checkToolCalls (value: unknown, param: string, fail: Fail): ToolCall[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TOOL_CALLS) {
    return fail(`tool_calls is an array of 1 to ${MAX_TOOL_CALLS} calls`, param)
  }
  return value.map((call: any, i): ToolCall => {
    const at = `${param}[${i}]`
    if (!isObject(call) || (call.type != null && call.type !== 'function') || !isObject(call.function)) {
      return fail('each tool call is { id, type: "function", function: { name, arguments } }', at)
    }
    if (typeof call.id !== 'string' || call.id.length === 0 || call.id.length > MAX_TOOL_CALL_ID_CHARS) {
      return fail(`a tool call's id is a string of 1 to ${MAX_TOOL_CALL_ID_CHARS} characters`, `${at}.id`)
    }
    const { name, arguments: args } = call.function as Record<string, unknown>
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
      return fail('a tool call names its tool', `${at}.function.name`)
    }
    if (typeof args !== 'string' || args.length > MAX_TOOL_ARGUMENTS_CHARS) {
      return fail(`a tool call's arguments are a string of at most ${MAX_TOOL_ARGUMENTS_CHARS} characters`, `${at}.function.arguments`)
    }
    return { id: call.id, type: 'function', function: { name, arguments: args } }
  })
}

/** Checks `response_format`: text, JSON mode, or a JSON schema. */
export function checkResponseFormat (value: unknown, fail: Fail): ResponseFormat {
  if (!isObject(value)) {
    return fail('response_format is { type: "text" | "json_object" | "json_schema" }', 'response_format')
  }
  boundedJson(value, 'response_format', fail)
  if (value.type === 'text' || value.type === 'json_object') {
    return { type: value.type }
  }
  const schema = value.json_schema as Record<string, unknown> | undefined
  if (value.type !== 'json_schema' || !isObject(schema) || typeof schema.name !== 'string' || !TOOL_NAME.test(schema.name)) {
    return fail('response_format is { type: "text" }, { type: "json_object" } or { type: "json_schema", json_schema: { name, schema? } }', 'response_format')
  }
  if ((schema.schema != null && !isObject(schema.schema)) || (schema.strict != null && typeof schema.strict !== 'boolean') ||
    (schema.description != null && typeof schema.description !== 'string')) {
    return fail('json_schema is { name, description?, schema?: object, strict?: boolean }', 'response_format.json_schema')
  }
  const out: ResponseFormat = { type: 'json_schema', json_schema: { name: schema.name } }
  for (const key of ['description', 'schema', 'strict'] as const) {
    if (schema[key] != null) {
      (out.json_schema as Record<string, unknown>)[key] = schema[key]
    }
  }
  return out
}
