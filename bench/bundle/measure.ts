/**
 * Bundle sizes for browsers (Vite, minified, then gzip -9), used when the
 * checkout has no `node/tools/bundle-size.ts` of its own: the libp2p stack
 * a tab needs alone (WebSockets, WebRTC, circuit relay, noise, yamux,
 * identify, ping, gossipsub), and meshwork's isomorphic core on that same
 * stack. Prints one JSON line. `node bench/bundle/measure.ts`
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import type { Plugin, Rolldown } from 'vite'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

const STACK = `
import { createLibp2p } from 'libp2p'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
export async function start (privateKey) {
  return createLibp2p({
    privateKey,
    addresses: { listen: ['/p2p-circuit', '/webrtc'] },
    transports: [webSockets(), webRTC(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping(), pubsub: gossipsub({ globalSignaturePolicy: 'StrictSign' }) }
  })
}
`

const CORE = `${STACK}
import { createMesh } from '${ROOT}src/mesh-node.ts'
export async function mesh (privateKey, init) {
  return createMesh({ libp2p: await start(privateKey), privateKey }, init)
}
`

export interface BundleSize {
  minBytes: number
  gzipBytes: number
}

function virtualEntry (name: string, code: string): Plugin {
  const id = `virtual:${name}`
  return {
    name: `bench-${name}`,
    resolveId: (source) => source.endsWith(id) ? `\0${id}` : undefined,
    load: (source) => source === `\0${id}` ? code : undefined
  }
}

async function measure (name: string, code: string): Promise<BundleSize> {
  const result = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    plugins: [virtualEntry(name, code)],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry: `virtual:${name}`, formats: ['es'], fileName: name },
      rollupOptions: { output: { codeSplitting: false, minify: true } }
    }
  })
  let minBytes = 0
  let gzipBytes = 0
  for (const output of (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]) {
    for (const chunk of output.output) {
      if (chunk.type === 'chunk') {
        const bytes = Buffer.from(chunk.code)
        minBytes += bytes.byteLength
        gzipBytes += gzipSync(bytes, { level: 9 }).byteLength
      }
    }
  }
  return { minBytes, gzipBytes }
}

const libp2pStack = await measure('libp2p-stack', STACK)
const coreOverStack = await measure('meshwork-core', CORE)
process.stdout.write(`${JSON.stringify({ type: 'result', libp2pStack, coreOverStack })}\n`)
