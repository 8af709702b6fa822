/**
 * Regenerates the wire codecs from every `.proto` under `src/`, into a
 * `generated/` folder next to each.
 *
 * protons emits TypeScript namespaces and enums, which Node's type stripping
 * cannot run, so the generated code is compiled once here to plain
 * JavaScript with declarations (`generated/*.js` + `*.d.ts`).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
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
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
