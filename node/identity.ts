/**
 * A peer identity kept on disk, so a peer restarts as itself (workers
 * recognise a restarted requester's repeated tasks by its peer id).
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'

/** Reads the Ed25519 key at `path`, creating it (mode 0600) when missing. */
export async function loadIdentity (path: string): Promise<PrivateKey> {
  if (existsSync(path)) {
    return privateKeyFromProtobuf(await readFile(path))
  }
  const key = await generateKeyPair('Ed25519')
  await mkdir(dirname(path), { recursive: true })
  // write then rename, so a crash never leaves half a key behind
  await writeFile(`${path}.tmp`, privateKeyToProtobuf(key), { mode: 0o600 })
  await rename(`${path}.tmp`, path)
  return key
}
