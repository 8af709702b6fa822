/**
 * Child process: runs a script that prints one JSON object and passes it
 * on as a `result` line. `node bench/roles/json-line.ts SCRIPT ...ARGS`
 */
import { execFileSync } from 'node:child_process'
import { childMain, send } from '../lib/child.ts'

childMain(async () => {
  const [script, ...args] = process.argv.slice(2)
  const out = execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
  const line = out.trim().split('\n').filter(l => l.startsWith('{')).pop()
  if (line == null) {
    throw new Error(`${script} printed no JSON`)
  }
  send({ type: 'result', ...JSON.parse(line) })
})
