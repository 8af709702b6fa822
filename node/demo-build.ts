/**
 * Builds the browser demo (Vite, vite.config.ts) into dist/demo when it is
 * not there yet, so `meshwork start` works on a fresh checkout.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const DEMO_INDEX = fileURLToPath(new URL('../dist/demo/index.html', import.meta.url))

/** Builds dist/demo unless it exists (or always, with `force`). Returns whether it built. */
export async function ensureDemoBuilt (options: { force?: boolean } = {}): Promise<boolean> {
  if (options.force !== true && existsSync(DEMO_INDEX)) {
    return false
  }
  // Vite is a development dependency: load it only when a build is needed
  const { build } = await import('vite')
  await build({ configFile: `${ROOT}vite.config.ts`, logLevel: 'warn' })
  return true
}
