import { spawn } from 'node:child_process'
import { startRelay } from './test/helpers/cli.ts'
const relay = await startRelay()
const kids = [0, 1, 2, 3].map(() => spawn(process.execPath, ['host-tmp.ts', relay.tcp, '25'], { stdio: ['ignore', 'inherit', 'inherit'] }))
await new Promise(r => setTimeout(r, 70_000))
for (const k of kids) k.kill('SIGKILL')
relay.kill('SIGKILL')
process.exit(0)
