/**
 * Builds what the installed package runs: `tsc -p tsconfig.build.json`
 * compiles src/, node/ and browser/ into dist/ (JavaScript, declarations,
 * source maps with their sources inlined), then the protobuf codecs, which
 * are committed as JavaScript and declarations already, are copied beside
 * the code that imports them. Last, the command line is bundled into one
 * file (dist/node/cli/bin.js, over tsc's): a process that loads a few
 * hundred small modules holds each one's record and source, so the bundle
 * keeps an idle `meshwork worker` about 35 MB smaller. `--demo` also builds
 * the browser demo (Vite, into dist/demo). `--if-changed` does nothing when
 * dist/ was last built from the same inputs (see build-inputs.ts). Runs on
 * `prepare` (npm install in a checkout, npm pack, npm publish, and every
 * `npx meshwork` run inside a checkout).
 */
import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { chmodSync, copyFileSync, globSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forgetBuilt, inputsHash, lastBuilt, recordBuilt } from './build-inputs.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUT = join(ROOT, 'dist')
/** Folders tsc writes; dist/demo (the Vite build) is left alone */
const COMPILED = ['src', 'node', 'browser']
const withDemo = process.argv.includes('--demo')
const inputs = inputsHash(ROOT)
if (process.argv.includes('--if-changed') && withDemo && lastBuilt(ROOT) === inputs) {
  console.log('dist/ is up to date')
  process.exit(0)
}

forgetBuilt(ROOT)
for (const dir of COMPILED) {
  rmSync(join(OUT, dir), { recursive: true, force: true })
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT })

for (const file of globSync('src/**/generated/*.{js,d.ts}', { cwd: ROOT })) {
  mkdirSync(dirname(join(OUT, file)), { recursive: true })
  copyFileSync(join(ROOT, file), join(OUT, file))
}

/**
 * Left out of the CLI bundle, loaded from node_modules when used: native
 * modules (WebRTC's node-datachannel, LevelDB behind datastore-level; both
 * direct dependencies, so they resolve from here), optional speed-ups `ws`
 * probes for, and Vite, which only a checkout has (to build the demo)
 */
const EXTERNAL = ['node-datachannel', 'datastore-level', 'bufferutil', 'utf-8-validate', 'vite']
const BIN = join(OUT, 'node/cli/bin.js')
await build({
  entryPoints: [join(ROOT, 'node/cli/bin.ts')],
  outfile: BIN,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: EXTERNAL,
  // CommonJS dependencies call require() for Node built-ins
  banner: { js: "import { createRequire as __meshworkRequire } from 'node:module'; const require = __meshworkRequire(import.meta.url);" },
  logLevel: 'warning'
})
chmodSync(BIN, 0o755)

if (withDemo) {
  const require = createRequire(import.meta.url)
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js')
  execFileSync(process.execPath, [vite, 'build'], { stdio: 'inherit', cwd: ROOT })
  recordBuilt(ROOT, inputs)
}
