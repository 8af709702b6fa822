// A worker written as a user would, against the installed package.
import { createMeshNode } from 'meshwork/node'

const node = await createMeshNode({ bootstrap: [process.argv[2]] })
node.serve('upper', async (text) => `${text.toUpperCase()} from node ${process.versions.node}`)
console.log(`peer ${node.peerId}`)
process.once('SIGTERM', () => { void node.stop().then(() => { process.exit(0) }) })
