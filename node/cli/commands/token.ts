/**
 * `meshwork token --owner-key FILE --peer ID --service NAME [--ttl-ms N]`:
 * signs a capability token with the mesh owner's key and prints it
 * (base64). Workers started with `--owner <owner peer id>` honour it.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { issueCapability } from '../../../src/security/capability.ts'
import { loadIdentity } from '../../identity.ts'
import { integer, parse, UsageError } from '../args.ts'

export const usage = `meshwork token --owner-key FILE --peer ID --service NAME [--ttl-ms N]
  --owner-key FILE   the mesh owner's key (see meshwork key)
  --peer ID          the peer the token is for
  --service NAME     a service it may call (repeatable; * for all)
  --ttl-ms N         lifetime in milliseconds (default 86400000, a day)`

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    'owner-key': { type: 'string' },
    peer: { type: 'string' },
    service: { type: 'string', multiple: true },
    'ttl-ms': { type: 'string' }
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  if (values['owner-key'] == null || values.peer == null || values.service == null) {
    throw new UsageError('token needs --owner-key, --peer and at least one --service')
  }
  try {
    peerIdFromString(values.peer)
  } catch {
    throw new UsageError(`not a peer id: ${values.peer}`)
  }
  const owner = await loadIdentity(values['owner-key'])
  const token = await issueCapability(owner, {
    peer: values.peer,
    services: values.service,
    ttlMs: integer(values['ttl-ms'], 'ttl-ms', 86_400_000, 1)
  })
  console.log(Buffer.from(token).toString('base64'))
}
