/**
 * The chunks of a CHUNK frame, handed to the call in order: chunk `seq` in
 * `payload` and the ones after it in `more`; chunks the call already had
 * from an earlier attempt are skipped.
 */
import { MAX_UNREAD_STREAM_BYTES } from '../constants.ts'
import { ProtocolError } from '../errors.ts'
import { decodePayload } from '../wire/payload.ts'
import type { Call } from './call.ts'
import type { Frame } from '../wire/frame.ts'

/**
 * Accepts a CHUNK frame whose first chunk is not past what `call` has.
 * Returns the error the call ends with: an undecodable chunk, or a reader
 * that left more than MAX_UNREAD_STREAM_BYTES unread.
 */
export function acceptChunks (call: Call, frame: Frame): Error | undefined {
  const count = 1 + frame.more.length
  for (let i = 0; i < count; i++) {
    if (frame.seq + i < call.received.count) {
      // already had it from an earlier attempt
      continue
    }
    const raw = i === 0 ? { data: frame.payload, codec: frame.codec } : frame.more[i - 1]
    let chunk: unknown
    try {
      chunk = decodePayload(raw.data, raw.codec)
    } catch (err: any) {
      return err
    }
    if (!call.accept(chunk, raw)) {
      return new ProtocolError(`more than ${MAX_UNREAD_STREAM_BYTES} bytes of the stream unread; lower its window`)
    }
  }
  return undefined
}
