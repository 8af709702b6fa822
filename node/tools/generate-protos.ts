/**
 * Regenerates the wire codecs from every `.proto` under `src/`, into a
 * `generated/` folder next to each.
 *
 * protons emits TypeScript namespaces and enums, which Node's type stripping
 * cannot run, so the generated code is compiled once here to plain
 * JavaScript with declarations (`generated/*.js` + `*.d.ts`).
 *
 * protons gives every `bytes` field a freshly allocated empty buffer as its
 * default, on every decode; that was the largest single cost of decoding a
 * frame full of chunks. The compiled code shares one empty array instead
 * (an empty array cannot be written to, so sharing it is safe).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')
const bin = (name: string): string => join(root, 'node_modules/.bin', name)
// inside the project so the generated code resolves its imports from node_modules
const tmp = join(root, 'node_modules/.cache/meshwork-protos')

const protos = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .filter(f => f.endsWith('.proto'))
  .map(f => join(root, 'src', f))
const folders = [...new Set(protos.map(p => dirname(p)))]

for (const folder of folders) {
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  try {
    const here = protos.filter(p => dirname(p) === folder)
    execFileSync(bin('protons'), ['--output', tmp, ...here], { stdio: 'inherit' })
    const generated = readdirSync(tmp).filter(f => f.endsWith('.ts')).map(f => join(tmp, f))
    const out = join(folder, 'generated')
    rmSync(out, { recursive: true, force: true })
    execFileSync(bin('tsc'), [
      '--declaration', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--skipLibCheck', '--outDir', out, ...generated
    ], { stdio: 'inherit', cwd: root })
    for (const file of readdirSync(out).filter(f => f.endsWith('.js'))) {
      shareEmptyBytes(join(out, file))
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

function shareEmptyBytes (file: string): void {
  const code = readFileSync(file, 'utf8')
  if (!code.includes('uint8ArrayAlloc(0)')) {
    return
  }
  const shared = code
    .replaceAll('uint8ArrayAlloc(0)', 'EMPTY_BYTES')
    .replace(/^(import [^\n]*\n)(?!import)/m, '$1const EMPTY_BYTES = new Uint8Array(0);\n')
  writeFileSync(file, shared)
}
