/**
 * Reads server-sent events from a byte stream, with a bound on how much one
 * event may hold (a server that never ends a line cannot fill memory).
 *
 * @example
 * ```ts
 * const res = await fetch(url, { method: 'POST', body })
 * for await (const event of readEvents(res.body!)) console.log(event.data)
 * ```
 */
import { ProtocolError } from '../../src/errors.ts'

/** Characters one event may hold by default. */
export const DEFAULT_MAX_EVENT_CHARS = 1024 * 1024

export interface ServerSentEvent {
  /** The `event:` field, `'message'` when absent */
  event: string
  /** The `data:` lines, joined with newlines */
  data: string
}

export interface ReadEventsOptions {
  /** Characters an event (and any one line) may hold; more is a ProtocolError */
  maxEventChars?: number
}

/** Yields each event with data; comments and empty events are skipped. */
export async function * readEvents (body: AsyncIterable<Uint8Array>, options: ReadEventsOptions = {}): AsyncGenerator<ServerSentEvent> {
  const max = options.maxEventChars ?? DEFAULT_MAX_EVENT_CHARS
  const decoder = new TextDecoder()
  let pending = ''
  let event = ''
  let data: string[] = []
  let size = 0
  // a \r at the end of one read may be the first half of a \r\n
  let skipLf = false

  const line = function * (text: string): Generator<ServerSentEvent> {
    if (text === '') {
      if (data.length > 0) {
        yield { event: event === '' ? 'message' : event, data: data.join('\n') }
      }
      event = ''
      data = []
      size = 0
      return
    }
    size += text.length
    if (size > max) {
      throw new ProtocolError(`a server-sent event is longer than ${max} characters`)
    }
    if (text.startsWith(':')) {
      return
    }
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) {
      value = value.slice(1)
    }
    if (field === 'data') {
      data.push(value)
    } else if (field === 'event') {
      event = value
    }
  }

  for await (const bytes of body) {
    let text = decoder.decode(bytes, { stream: true })
    if (skipLf && text.startsWith('\n')) {
      text = text.slice(1)
    }
    skipLf = false
    pending += text
    let start = 0
    while (true) {
      const cr = pending.indexOf('\r', start)
      const lf = pending.indexOf('\n', start)
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf)
      if (end < 0) {
        break
      }
      yield * line(pending.slice(start, end))
      if (pending[end] === '\r') {
        if (end + 1 === pending.length) {
          skipLf = true
        } else if (pending[end + 1] === '\n') {
          start = end + 2
          continue
        }
      }
      start = end + 1
    }
    pending = pending.slice(start)
    if (pending.length > max) {
      throw new ProtocolError(`a server-sent event line is longer than ${max} characters`)
    }
  }
  // a server that closes without the last blank line still has its last event read
  pending += decoder.decode()
  if (pending !== '') {
    yield * line(pending)
  }
  yield * line('')
}
