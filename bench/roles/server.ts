/**
 * Child process: runs one system's workers until SIGTERM.
 * `node bench/roles/server.ts SYSTEM OPTIONS_JSON`
 */
import { childMain, send } from '../lib/child.ts'
import { loadSystem } from '../systems/registry.ts'

childMain(async () => {
  const [name, optionsJson] = process.argv.slice(2)
  const system = await loadSystem(name)
  const server = await system.serve(JSON.parse(optionsJson))
  let closing = false
  const close = (): void => {
    if (closing) {
      return
    }
    closing = true
    const timer = setTimeout(() => process.exit(0), 3_000)
    server.close().finally(() => { clearTimeout(timer); process.exit(0) })
  }
  process.on('SIGTERM', close)
  process.on('SIGINT', close)
  send({ type: 'ready', info: server.info })
})
