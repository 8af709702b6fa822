/**
 * The folder holding meshwork's package.json, found from a module's URL:
 * the same whether the module runs as `.ts` in a checkout or compiled
 * under dist/ in an installed package.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export function packageRoot (moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    }
    dir = parent
  }
  return dir
}
