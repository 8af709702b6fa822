/**
 * Every decoder of bytes from other peers, fed random inputs, mutations of
 * valid ones and oversize lengths: it returns a value or throws its typed
 * error (ProtocolError; AccessDeniedError for tokens), never anything else,
 * and never accepts a changed input as something it was not.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeJournalRecord, encodeJournalRecord } from '../../src/journal/journal.ts'
import { claimValidator, appValidator } from '../../src/pubsub/validators.ts'
import { openAnnouncement, sealAnnouncement } from '../../src/presence/announcement.ts'
import { issueCapability, verifyCapability } from '../../src/security/capability.ts'
import { PeerPenalties } from '../../src/security/penalties.ts'
import { encodeFrame, FrameDecoder, KIND_TASK } from '../../src/wire/frame.ts'
import { Claim } from '../../src/wire/generated/presence.js'
import { decodePayload, encodePayload } from '../../src/wire/payload.ts'
import { bytesLike, rejectedName, RUNS, thrownName } from './fuzz.ts'
import type { FrameInit } from '../../src/wire/frame.ts'
import type { PrivateKey } from '@libp2p/interface'

const MAX_FRAME_BYTES = 64 * 1024
/** A check cheap enough for the hot loop (expect() costs more than most decoders) */
function must (ok: boolean, what: string): void {
  if (!ok) {
    throw new Error(what)
  }
}
const counted = new Map<string, number>()
const count = (decoder: string): void => { counted.set(decoder, (counted.get(decoder) ?? 0) + 1) }

const frameInit: fc.Arbitrary<FrameInit> = fc.record({
  kind: fc.integer({ min: 0, max: 12 }),
  task: fc.string({ maxLength: 40 }),
  attempt: fc.nat({ max: 10 }),
  service: fc.string({ maxLength: 20 }),
  payload: fc.uint8Array({ maxLength: 64 }),
  codec: fc.nat({ max: 3 }),
  seq: fc.nat(),
  credit: fc.nat(),
  flags: fc.nat({ max: 3 }),
  code: fc.string({ maxLength: 20 }),
  message: fc.string({ maxLength: 40 }),
  load: fc.nat(),
  time: fc.double({ noNaN: true }),
  prior: fc.array(fc.record({ data: fc.uint8Array({ maxLength: 8 }), codec: fc.nat({ max: 1 }) }), { maxLength: 3 })
}, { requiredKeys: ['kind'] })

describe(`decoders, ${RUNS} inputs each`, () => {
  it('task frames: a stream of bytes in any pieces gives frames or a ProtocolError', () => {
    const valid = [KIND_TASK, 2, 3, 7].map(kind => encodeFrame({ kind, task: 't1', attempt: 1, service: 'echo', payload: new Uint8Array([1, 2, 3]) }))
    fc.assert(fc.property(fc.array(bytesLike(valid), { minLength: 1, maxLength: 4 }), (chunks) => {
      count('frames')
      const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES, maxPriorChunks: 64 })
      for (const chunk of chunks) {
        const name = thrownName(() => decoder.push(chunk))
        if (name != null) {
          must(name === 'ProtocolError', `threw ${name}`)
          return
        }
        // what waits for the rest of a frame stays under the frame limit
        must(decoder.bufferedBytes <= MAX_FRAME_BYTES + 16, `buffers ${decoder.bufferedBytes} bytes`)
      }
    }), { numRuns: RUNS })
  })

  it('task frames: any frames, cut anywhere, decode to themselves', () => {
    fc.assert(fc.property(fc.array(frameInit, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
      count('frames')
      const bytes = Buffer.concat(frames.map(encodeFrame))
      const points = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES })
      const out = []
      let from = 0
      for (const at of [...points, bytes.length]) {
        out.push(...decoder.push(bytes.subarray(from, at)))
        from = at
      }
      must(out.length === frames.length, 'frame count')
      out.forEach((f, i) => {
        must(f.kind === frames[i].kind && f.task === (frames[i].task ?? ''), 'frame fields')
        must(Buffer.from(f.payload).equals(Buffer.from(frames[i].payload ?? new Uint8Array())), 'frame payload')
      })
    }), { numRuns: Math.ceil(RUNS / 10) })
  })

  it('task frames: a length prefix far past the limit is refused before anything is buffered', () => {
    fc.assert(fc.property(fc.integer({ min: MAX_FRAME_BYTES + 1, max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ maxLength: 32 }), (length, rest) => {
      count('frames')
      const prefix: number[] = []
      let v = length
      while (v >= 0x80) { prefix.push((v % 128) | 0x80); v = Math.floor(v / 128) }
      prefix.push(v)
      const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES })
      must(thrownName(() => decoder.push(new Uint8Array([...prefix, ...rest]))) === 'ProtocolError', 'oversize accepted')
    }), { numRuns: Math.ceil(RUNS / 10) })
  })

  it('payloads: a value or a ProtocolError', () => {
    const valid = [encodePayload({ a: [1, 'x'] }).data, encodePayload('text').data, encodePayload(42).data]
    fc.assert(fc.property(bytesLike(valid), fc.integer({ min: 0, max: 300 }), (bytes, codec) => {
      count('payloads')
      const name = thrownName(() => decodePayload(bytes, codec))
      must(name === undefined || name === 'ProtocolError', `threw ${name}`)
    }), { numRuns: RUNS })
  })

  it('journal records: a record or a ProtocolError', () => {
    const valid = [encodeJournalRecord({ id: 'a1', service: 's', input: { data: new Uint8Array([34, 120, 34]), codec: 0 }, streaming: true, createdAt: 1, deadline: 2, maxAttempts: 3, worker: 'w' })]
    fc.assert(fc.property(bytesLike(valid), (bytes) => {
      count('journal')
      const name = thrownName(() => decodeJournalRecord(bytes))
      must(name === undefined || name === 'ProtocolError', `threw ${name}`)
    }), { numRuns: RUNS })
  })

  it('claims and application messages: the gossip validators accept or reject, and never throw', () => {
    const penalties = new PeerPenalties()
    const claims = claimValidator(penalties)
    const apps = appValidator(penalties)
    const valid = [Claim.encode({ task: 'abc1', addrs: [new Uint8Array([4, 127, 0, 0, 1, 6, 0, 80])] }), new Uint8Array([0, 34, 120, 34])]
    const peer = { toString: () => '12D3KooWfuzz' } as any
    fc.assert(fc.property(bytesLike(valid), fc.boolean(), (data, signed) => {
      count('gossip')
      const msg = { type: signed ? 'signed' : 'unsigned', data, topic: 't' } as any
      const verdicts = [claims(peer, msg), apps(peer, msg)]
      must(verdicts.every(v => v === 'accept' || v === 'reject'), `verdict ${verdicts}`)
    }), { numRuns: RUNS })
  })
})

describe(`signed decoders, ${RUNS} inputs each`, () => {
  let key: PrivateKey
  let owner: PrivateKey
  let announcement: Uint8Array
  let token: Uint8Array
  let holder: string

  beforeAll(async () => {
    key = await generateKeyPair('Ed25519')
    owner = await generateKeyPair('Ed25519')
    holder = peerIdFromPrivateKey(key).toString()
    announcement = await sealAnnouncement(key, {
      peer: peerIdFromPrivateKey(key).toMultihash().bytes,
      seq: 7n,
      services: [{ name: 'echo', concurrency: 4, load: 1, models: ['m'] }],
      addrs: [],
      refreshMs: 5000,
      gone: [],
      leaving: false,
      role: 'node'
    })
    token = await issueCapability(owner, { peer: holder, services: ['echo'], ttlMs: 3_600_000 })
  })

  it('announcements (heartbeats): opened as signed, or a ProtocolError; a change never passes as another announcement', async () => {
    await fc.assert(fc.asyncProperty(bytesLike([announcement]), async (bytes) => {
      count('announcements')
      try {
        const opened = await openAnnouncement(bytes)
        // only the signed content can come out: unknown extra fields may ride along, nothing else
        must(opened.peerId.toString() === holder && opened.announcement.seq === 7n, 'a changed announcement was accepted')
        must(opened.announcement.services.length === 1 && opened.announcement.services[0].name === 'echo', 'changed services accepted')
      } catch (err: any) {
        must(err.name === 'ProtocolError', `threw ${err.name}: ${err.message}`)
      }
    }), { numRuns: RUNS })
  })

  it('capability tokens: accepted only as issued, else an AccessDeniedError', async () => {
    const ownerId = peerIdFromPrivateKey(owner).toString()
    let accepted = 0
    await fc.assert(fc.asyncProperty(bytesLike([token]), async (bytes) => {
      count('tokens')
      const name = await rejectedName(async () => { await verifyCapability(bytes, ownerId, holder, 'echo') })
      if (name === undefined) {
        accepted++
      } else {
        must(name === 'AccessDeniedError', `threw ${name}`)
      }
    }), { numRuns: RUNS })
    // for another peer or service, the unchanged token is refused as well
    expect(await rejectedName(async () => { await verifyCapability(token, ownerId, ownerId, 'echo') })).toBe('AccessDeniedError')
    expect(await rejectedName(async () => { await verifyCapability(token, ownerId, holder, 'other') })).toBe('AccessDeniedError')
    console.log(`fuzz inputs per decoder: ${[...counted].map(([k, v]) => `${k} ${v}`).join(', ')}; mutated tokens still valid (unknown fields added): ${accepted}`)
  })
})
