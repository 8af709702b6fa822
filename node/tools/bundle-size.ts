/**
 * Size of the browser entry (`meshwork/browser`) as an application would
 * ship it: bundled by Vite for browsers, minified, then gzipped. Also
 * measures the libp2p stack alone (the same transports and services
 * without meshwork), so the difference is meshwork's own weight.
 *
 * `node node/tools/bundle-size.ts` prints a summary; `--json` prints one
 * JSON object. `measureBundles()` returns the same figures to other code.
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import type { Plugin, Rolldown } from 'vite'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const STACK_ID = 'virtual:libp2p-stack'

export interface BundleSize {
  /** Minified bytes of all JavaScript chunks */
  minBytes: number
  /** The same, gzipped (level 9) */
  gzipBytes: number
  /** Modules in the bundle that only work in Node (should be none) */
  nodeOnlyModules: string[]
}

/** Module ids that mean Node-only code reached a browser bundle. */
const NODE_ONLY = [/__vite-browser-external/, /^node:/, /node_modules\/(node-datachannel|@libp2p\/tcp|ws|classic-level)\//]

export interface BundleSizes {
  /** Everything `meshwork/browser` exports */
  browserEntry: BundleSize
  /** createLibp2p with the browser's transports and services, no meshwork */
  libp2pStack: BundleSize
}

/** The libp2p stack alone: what a tab would ship to run libp2p as meshwork configures it. */
function stackEntry (): Plugin {
  return {
    name: 'meshwork-libp2p-stack',
    // lib mode hands the entry over as a path under the root
    resolveId: (id) => id.endsWith(STACK_ID) ? `\0${STACK_ID}` : undefined,
    load: (id) => id === `\0${STACK_ID}`
      ? `export { createLibp2p } from 'libp2p'\nexport { browserLibp2pOptions } from '${ROOT}browser/libp2p-options.ts'\n`
      : undefined
  }
}

/** Bundles one entry for browsers and measures it. */
export async function measureBundle (entry: string): Promise<BundleSize> {
  const result = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    plugins: [stackEntry()],
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: { entry, formats: ['es'], fileName: 'bundle' },
      // lib mode keeps whitespace in ES output unless the output is minified too
      rollupOptions: { output: { codeSplitting: false, minify: true } }
    }
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  let minBytes = 0
  let gzipBytes = 0
  const nodeOnlyModules = new Set<string>()
  for (const output of outputs) {
    for (const chunk of output.output) {
      if (chunk.type === 'chunk') {
        const code = Buffer.from(chunk.code)
        minBytes += code.byteLength
        gzipBytes += gzipSync(code, { level: 9 }).byteLength
        for (const id of [...chunk.moduleIds, ...chunk.imports]) {
          if (NODE_ONLY.some(re => re.test(id))) {
            nodeOnlyModules.add(id.slice(id.lastIndexOf('node_modules/') + 1))
          }
        }
      }
    }
  }
  return { minBytes, gzipBytes, nodeOnlyModules: [...nodeOnlyModules] }
}

/** Bundles and measures the browser entry and the libp2p stack alone. */
export async function measureBundles (): Promise<BundleSizes> {
  const browserEntry = await measureBundle(`${ROOT}browser/index.ts`)
  const libp2pStack = await measureBundle(STACK_ID)
  return { browserEntry, libp2pStack }
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureBundles()
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(sizes))
  } else {
    const { browserEntry: entry, libp2pStack: stack } = sizes
    console.log('bundle size (Vite, minified, gzip -9):')
    console.log(`  meshwork/browser   ${kb(entry.minBytes).padStart(11)} min  ${kb(entry.gzipBytes).padStart(10)} gzip`)
    console.log(`  libp2p stack alone ${kb(stack.minBytes).padStart(11)} min  ${kb(stack.gzipBytes).padStart(10)} gzip`)
    console.log(`  meshwork's share   ${kb(entry.minBytes - stack.minBytes).padStart(11)} min  ${kb(entry.gzipBytes - stack.gzipBytes).padStart(10)} gzip`)
    if (entry.nodeOnlyModules.length > 0) {
      console.log(`  Node-only modules in the browser bundle: ${entry.nodeOnlyModules.join(', ')}`)
      process.exitCode = 1
    }
  }
}
