/**
 * Builds the browser demo (Vite, vite.config.ts) into dist/demo when it is
 * not there yet, so `meshwork start` works on a fresh checkout.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from './package-root.ts'

const ROOT = packageRoot(import.meta.url)
const DEMO_INDEX = join(ROOT, 'dist/demo/index.html')

/** Builds dist/demo unless it exists (or always, with `force`). Returns whether it built. */
export async function ensureDemoBuilt (options: { force?: boolean } = {}): Promise<boolean> {
  if (options.force !== true && existsSync(DEMO_INDEX)) {
    return false
  }
  // Vite is a development dependency: load it only when a build is needed
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' })
  return true
}
