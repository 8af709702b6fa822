/**
 * What a build is made from, as one hash: every file under the folders the
 * build reads and its configuration. `node node/tools/build.ts
 * --if-changed` compares it with the hash the last build left in dist/ and
 * skips the build when nothing changed, so `npx meshwork` in a checkout
 * (which runs `prepare` each time it links the folder) starts at once.
 */
import { createHash } from 'node:crypto'
import { globSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const INPUTS = [
  '{src,node,browser,demos/chat}/**/*',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vite.config.ts'
]
const STAMP = 'dist/.build-inputs'

/** sha256 over the paths and contents of the build's inputs, in path order. */
export function inputsHash (root: string): string {
  const hash = createHash('sha256')
  const files = INPUTS.flatMap(pattern => globSync(pattern, { cwd: root, withFileTypes: true }))
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
    .sort()
  for (const file of files) {
    hash.update(file.slice(root.length)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex')
}

/** The hash the last complete build recorded, if any. */
export function lastBuilt (root: string): string | undefined {
  try {
    return readFileSync(join(root, STAMP), 'utf8').trim()
  } catch {
    return undefined
  }
}

/** Records that dist/ was built from inputs with this hash. */
export function recordBuilt (root: string, hash: string): void {
  writeFileSync(join(root, STAMP), `${hash}\n`)
}

/** Forgets the last build: a build cut short must not look complete. */
export function forgetBuilt (root: string): void {
  rmSync(join(root, STAMP), { force: true })
}
