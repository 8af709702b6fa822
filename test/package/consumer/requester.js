// A requester written as a user would, against the installed package.
import { createMeshNode } from 'meshwork/node'

const node = await createMeshNode({ bootstrap: [process.argv[2]] })
try {
  await node.waitForWorkers('upper', 1, { timeoutMs: 20_000 })
  console.log(await node.request('upper', 'hello', { timeoutMs: 10_000 }))
  // a service nobody serves fails by its deadline, with a typed error
  await node.request('nobody', null, { timeoutMs: 2_000 }).catch(err => { console.log(err.name) })
} finally {
  await node.stop()
}
