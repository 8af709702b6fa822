/**
 * A cheap id for gossipsub's duplicate check. Without one, gossipsub checks
 * the signature of every copy of a message before noticing it has seen it
 * (each message reaches a peer about once per mesh neighbour), which made
 * signature checks most of an idle peer's CPU. A signed message is
 * identified by its sender and sequence number, exactly as its real id;
 * a copy that fails its signature check is never recorded, so a forgery
 * arriving first cannot shadow the real message.
 */
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

function latin1 (bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.byteLength; i++) {
    out += String.fromCharCode(bytes[i])
  }
  return out
}

export function fastMsgId (msg: { from?: Uint8Array, seqno?: Uint8Array, data?: Uint8Array, topic: string }): string {
  if (msg.from != null && msg.seqno != null) {
    return latin1(msg.from) + latin1(msg.seqno)
  }
  // unsigned messages are rejected under StrictSign; a digest keeps their copies cheap too
  let h = FNV_OFFSET
  const data = msg.data ?? new Uint8Array(0)
  for (let i = 0; i < data.byteLength; i++) {
    h = Math.imul(h ^ data[i], FNV_PRIME)
  }
  return `unsigned:${msg.topic}:${data.byteLength}:${h >>> 0}`
}
