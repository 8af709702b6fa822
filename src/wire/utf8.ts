/**
 * UTF-8 encoding for the payload codecs. `TextEncoder.encode` costs close to
 * a microsecond per call however short the text, which a stream of LLM
 * tokens (a few bytes each) pays per chunk; short ASCII text is copied byte
 * by byte instead, in a tenth of that.
 */
const encoder = new TextEncoder()

/** Texts up to this many characters try the ASCII copy first. */
const SHORT_TEXT = 128

export function encodeUtf8 (text: string): Uint8Array {
  const length = text.length
  if (length <= SHORT_TEXT) {
    const bytes = new Uint8Array(length)
    let i = 0
    for (; i < length; i++) {
      const code = text.charCodeAt(i)
      if (code > 0x7f) {
        break
      }
      bytes[i] = code
    }
    if (i === length) {
      return bytes
    }
  }
  return encoder.encode(text)
}
