/**
 * Case 7: what meshwork adds to a browser bundle (Vite, min + gzip) over
 * the libp2p stack it needs. Uses the project's `node/tools/bundle-size.ts`
 * (the real `meshwork/browser` entry) when the checkout has it; otherwise
 * bench/bundle/measure.ts sizes meshwork's core on the same stack.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { benchFile, spawnChild } from '../lib/child.ts'
import type { BenchContext } from './context.ts'

const PROJECT_TOOL = fileURLToPath(new URL('../../node/tools/bundle-size.ts', import.meta.url))

export async function bundleCase (ctx: BenchContext): Promise<Record<string, any>> {
  ctx.log('bundle size')
  if (existsSync(PROJECT_TOOL)) {
    const child = spawnChild('bundle-size', benchFile('roles/json-line.ts'), [PROJECT_TOOL, '--json'])
    const { browserEntry, libp2pStack } = await child.result
    return {
      source: 'node/tools/bundle-size.ts (meshwork/browser)',
      libp2pStack,
      meshwork: browserEntry,
      addedGzipBytes: browserEntry.gzipBytes - libp2pStack.gzipBytes,
      addedMinBytes: browserEntry.minBytes - libp2pStack.minBytes
    }
  }
  const child = spawnChild('bundle measure', benchFile('bundle/measure.ts'), [])
  const { libp2pStack, coreOverStack } = await child.result
  return {
    source: 'bench/bundle/measure.ts (meshwork core on the browser stack; no browser/ entry in this checkout)',
    libp2pStack,
    meshwork: coreOverStack,
    addedGzipBytes: coreOverStack.gzipBytes - libp2pStack.gzipBytes,
    addedMinBytes: coreOverStack.minBytes - libp2pStack.minBytes
  }
}
