/**
 * Where a consensus group member started from the command line keeps its
 * identity: in its data dir, so it restarts with the same peer id.
 */
import { join } from 'node:path'

/** A member's identity file inside `--data-dir`. */
export const IDENTITY_FILE = 'peer.key'

/** Path of the identity kept in a data dir. */
export function identityIn (dataDir: string): string {
  return join(dataDir, IDENTITY_FILE)
}
