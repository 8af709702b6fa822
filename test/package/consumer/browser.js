// A browser app's entry: what a bundler must pack for a tab.
import { createMeshNode } from 'meshwork/browser'

const node = await createMeshNode({ bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK'] })
node.serve('echo', async (input) => input)
document.body.textContent = `peer ${node.peerId}`
