/**
 * Regenerates the wire codecs from `src/wire/*.proto`.
 *
 * protons emits TypeScript namespaces and enums, which Node's type stripping
 * cannot run, so the generated code is compiled once here to plain
 * JavaScript with declarations (`src/wire/generated/*.js` + `*.d.ts`).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')
const wire = join(root, 'src/wire')
const out = join(wire, 'generated')
const bin = (name: string): string => join(root, 'node_modules/.bin', name)
// inside the project so the generated code resolves its imports from node_modules
const tmp = join(root, 'node_modules/.cache/meshwork-protos')
rmSync(tmp, { recursive: true, force: true })
mkdirSync(tmp, { recursive: true })

try {
  const protos = readdirSync(wire).filter(f => f.endsWith('.proto')).map(f => join(wire, f))
  execFileSync(bin('protons'), ['--output', tmp, ...protos], { stdio: 'inherit' })
  const generated = readdirSync(tmp).filter(f => f.endsWith('.ts')).map(f => join(tmp, f))
  rmSync(out, { recursive: true, force: true })
  execFileSync(bin('tsc'), [
    '--declaration', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--skipLibCheck', '--removeComments', 'false', '--outDir', out, ...generated
  ], { stdio: 'inherit', cwd: root })
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
