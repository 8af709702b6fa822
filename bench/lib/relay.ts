/**
 * A `meshwork relay` child process (the real command line), for cases
 * whose peers join through a relay.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { stopChild } from '../../test/helpers/stop-child.ts'

const CLI = fileURLToPath(new URL('../../node/cli/bin.ts', import.meta.url))
const START_TIMEOUT_MS = 30_000

export interface RelayProcess {
  /** The relay's TCP multiaddr, with its peer id */
  addr: string
  pid: number
  stop(): Promise<void>
}

export async function startRelay (): Promise<RelayProcess> {
  const child = spawn(process.execPath, [CLI, 'relay'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (t: string) => { stderr = (stderr + t).slice(-4000) })
  const addrs: string[] = []
  const stop = async (): Promise<void> => { await stopChild(child) }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`relay not up in time: ${stderr}`)) }, START_TIMEOUT_MS)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`relay exited (${code}): ${stderr}`)) })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('/')) {
        addrs.push(line.trim())
      } else if (line.startsWith('peer ')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        const tcp = addrs.find(a => a.includes('/tcp/') && !a.includes('/ws'))
        if (tcp == null) {
          void stop()
          reject(new Error(`relay printed no TCP address: ${addrs.join(', ')}`))
          return
        }
        resolve({ addr: tcp, pid: child.pid ?? -1, stop })
      }
    })
  })
}
