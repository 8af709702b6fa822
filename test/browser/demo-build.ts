/**
 * The demo built once per state of its sources: the build goes into
 * node_modules/.cache/meshwork-demo/<hash of every input>, so the browser
 * tests of a run share one build, and a changed source gives a new one.
 * Only the newest build is kept.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CACHE = join(ROOT, 'node_modules', '.cache', 'meshwork-demo')
/** Everything the Vite build of the demo reads, files or folders */
const INPUTS = ['vite.config.ts', 'tsconfig.json', 'package-lock.json', 'demos/chat', 'browser', 'src']

function files (path: string): string[] {
  if (!existsSync(path)) {
    return []
  }
  if (!statSync(path).isDirectory()) {
    return [path]
  }
  return readdirSync(path).sort().flatMap(name => files(join(path, name)))
}

/** A hash of the inputs' paths and contents. */
function inputsHash (): string {
  const hash = createHash('sha256')
  for (const file of INPUTS.flatMap(input => files(join(ROOT, input)))) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0')
  }
  return hash.digest('hex').slice(0, 16)
}

/** The folder of a build of the demo from the current sources, built if there is none. */
export async function builtDemo (): Promise<string> {
  const name = inputsHash()
  const dir = join(CACHE, name)
  if (existsSync(join(dir, 'index.html'))) {
    return dir
  }
  mkdirSync(CACHE, { recursive: true })
  const tmp = mkdtempSync(join(CACHE, 'building-'))
  try {
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir: tmp } })
    for (const old of readdirSync(CACHE).filter(entry => entry !== name && !entry.startsWith('building-'))) {
      rmSync(join(CACHE, old), { recursive: true, force: true })
    }
    renameSync(tmp, dir)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    // another run may have finished the same build first
    if (!existsSync(join(dir, 'index.html'))) {
      throw err
    }
  }
  return dir
}
