/**
 * `meshwork key FILE`: creates a peer identity in FILE (or reads the one
 * there) and prints its peer id. Workers and requesters started with
 * `--key FILE` keep that id across restarts; a mesh owner's key signs
 * capability tokens (`meshwork token`).
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { loadIdentity } from '../../identity.ts'
import { parse, UsageError } from '../args.ts'

export const usage = `meshwork key FILE
  creates an Ed25519 identity in FILE if there is none, and prints \`peer <id>\``

export async function run (argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {}, true)
  if (values.help === true) {
    console.log(usage)
    return
  }
  if (positionals.length !== 1) {
    throw new UsageError('key takes one FILE')
  }
  const key = await loadIdentity(positionals[0])
  console.log(`peer ${peerIdFromPrivateKey(key).toString()}`)
}
