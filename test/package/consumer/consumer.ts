// Type-checked with the consumer's own tsc (--strict, nodenext) against the
// installed declarations.
import { createMeshNode, NoWorkersError } from 'meshwork/node'
import type { MeshNode, PeerInfo } from 'meshwork/node'

const node: MeshNode = await createMeshNode({ bootstrap: [], discovery: { mdns: true } })
node.serve('echo', async (input: unknown) => input, { concurrency: 4 })
const reply: string = await node.request<string>('echo', 'hi', { timeoutMs: 1000 })
const peers: PeerInfo[] = node.peers()
const err: Error = new NoWorkersError('echo')
console.log(reply, peers.length, err.name)
// @ts-expect-error a service name is a string, not a number
await node.request(42, 'hi')
await node.stop()
