/**
 * Builds what the installed package runs: `tsc -p tsconfig.build.json`
 * compiles src/, node/ and browser/ into dist/ (JavaScript, declarations,
 * source maps with their sources inlined), then the protobuf codecs, which
 * are committed as JavaScript and declarations already, are copied beside
 * the code that imports them. Runs on `prepare` (npm install in a checkout,
 * npm pack, npm publish).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, globSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OUT = join(ROOT, 'dist')
/** Folders tsc writes; dist/demo (the Vite build) is left alone */
const COMPILED = ['src', 'node', 'browser']

for (const dir of COMPILED) {
  rmSync(join(OUT, dir), { recursive: true, force: true })
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT })

for (const file of globSync('src/*/generated/*.{js,d.ts}', { cwd: ROOT })) {
  mkdirSync(dirname(join(OUT, file)), { recursive: true })
  copyFileSync(join(ROOT, file), join(OUT, file))
}
chmodSync(join(OUT, 'node/cli/bin.js'), 0o755)
