/**
 * Child process: connects to a system's server and runs one case's
 * measurements, then prints them as a `result` line.
 * `node bench/roles/client.ts SYSTEM CASE INFO_JSON OPTIONS_JSON PARAMS_JSON`
 */
import { childMain, send } from '../lib/child.ts'
import { loadSystem } from '../systems/registry.ts'
import { fanout, stream, unary } from './measure.ts'

const CASES: Record<string, (client: any, params: any) => Promise<Record<string, unknown>>> = { unary, stream, fanout }

childMain(async () => {
  const [name, caseName, infoJson, optionsJson, paramsJson] = process.argv.slice(2)
  const run = CASES[caseName]
  if (run == null) {
    throw new Error(`unknown case "${caseName}"`)
  }
  const system = await loadSystem(name)
  const client = await system.connect(JSON.parse(infoJson), JSON.parse(optionsJson))
  const cpu0 = process.cpuUsage()
  const out = await run(client, JSON.parse(paramsJson))
  const cpu = process.cpuUsage(cpu0)
  await client.close()
  send({ type: 'result', ...out, requesterCpuMs: Math.round((cpu.user + cpu.system) / 1000) })
  process.exit(0)
})
