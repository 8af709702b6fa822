/**
 * The mesh's noise reads length prefixes without a new error per read, and
 * a secured pair still carries messages that arrive in odd pieces.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddrConnectionPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import { meshNoise, readLength } from '../../src/channel/encrypter.ts'
import type { MessageStream } from '@libp2p/interface'

async function encrypter (): Promise<{ secure: ReturnType<ReturnType<typeof meshNoise>>, peerId: ReturnType<typeof peerIdFromPrivateKey> }> {
  const privateKey = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(privateKey)
  const upgrader: any = { getStreamMuxers: () => new Map() }
  return { secure: meshNoise()({ privateKey, peerId, logger: defaultLogger(), upgrader }), peerId }
}

/** The next `bytes` bytes that arrive on `stream`, joined. */
async function receive (stream: MessageStream, bytes: number): Promise<Uint8Array> {
  const got = new Uint8ArrayList()
  return new Promise(resolve => {
    stream.addEventListener('message', (evt: any) => {
      got.append(evt.data)
      if (got.byteLength >= bytes) {
        resolve(got.subarray())
      }
    })
  })
}

describe('mesh noise', () => {
  it('reads a length from an array or a list split across pieces, and throws one shared RangeError when short', () => {
    expect(readLength(Uint8Array.of(0x01, 0x2c, 0xff))).toBe(300)
    expect(readLength(new Uint8ArrayList(Uint8Array.of(0xff), Uint8Array.of(0xfe)))).toBe(0xfffe)
    const short = (): unknown => {
      try {
        readLength(new Uint8ArrayList(Uint8Array.of(7)))
      } catch (err) {
        return err
      }
    }
    const first = short()
    expect(first).toBeInstanceOf(RangeError)
    expect(short()).toBe(first)
    expect(() => readLength(new Uint8Array(0))).toThrow(RangeError)
  })

  it('carries messages both ways between two secured ends, whatever the pieces the socket delivers', async () => {
    const [outbound, inbound] = multiaddrConnectionPair()
    const a = await encrypter()
    const b = await encrypter()
    const [left, right] = await Promise.all([
      a.secure.secureOutbound(outbound, { remotePeer: b.peerId, skipStreamMuxerNegotiation: true }),
      b.secure.secureInbound(inbound, { skipStreamMuxerNegotiation: true })
    ])
    expect(right.remotePeer.equals(a.peerId)).toBe(true)
    // both ends split what arrives with the shared-error reader
    expect((left.connection as any).decoder.lengthDecoder).toBe(readLength)
    expect((right.connection as any).decoder.lengthDecoder).toBe(readLength)

    // many small messages sent in one turn arrive as one read on the other side
    const small = Array.from({ length: 50 }, (_, i) => new Uint8Array(100).fill(i))
    const arriving = receive(right.connection, 50 * 100)
    for (const message of small) {
      left.connection.send(message)
    }
    const joined = await arriving
    expect(Array.from({ length: 50 }, (_, i) => joined[i * 100])).toEqual(small.map((_, i) => i))

    // a message longer than one noise message (64 KiB) goes the other way
    const large = new Uint8Array(200_000).map((_, i) => i % 251)
    const back = receive(left.connection, large.byteLength)
    right.connection.send(large)
    expect(Buffer.from(await back).equals(Buffer.from(large))).toBe(true)
  })
})
