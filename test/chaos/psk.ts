/**
 * Pre-shared keys for private-mesh tests, in the text form `@libp2p/pnet`
 * reads, carried between processes as hex.
 */
import { generateKey } from '@libp2p/pnet'

export function newPsk (): Uint8Array {
  const key = new Uint8Array(95)
  generateKey(key)
  return key
}

export function pskToHex (psk: Uint8Array): string {
  return Buffer.from(psk).toString('hex')
}

export function hexToPsk (hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'))
}
