/**
 * The command line as a newcomer uses it: `meshwork start` (with metrics
 * on), then requests and the peer table from another process in the same
 * folder, and every peer's metrics scraped where start says they are.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../src/models/demo-llm.ts'
import { BIN, runCli, startCli } from '../helpers/cli.ts'
import type { ChildProcess } from 'node:child_process'

describe('meshwork start, request, peers', () => {
  let dir: string
  let start: ChildProcess
  const output: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshwork-cli-'))
    start = spawn(process.execPath, [BIN, 'start', '--port', '0', '--token-delay-ms', '1', '--metrics-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      start.once('exit', code => { reject(new Error(`start exited with ${code}`)) })
      createInterface({ input: start.stdout! }).on('line', line => {
        output.push(line)
        if (line.startsWith('Ctrl-C')) resolve()
      })
    })
  })

  afterAll(async () => {
    start?.kill('SIGINT')
    await new Promise(resolve => start.once('exit', resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  const cli = async (args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
    return { code, stdout, stderr }
  }

  it('says what is up and what to do next', () => {
    const text = output.join('\n')
    expect(text).toMatch(/^peer \S+$/m)
    expect(text).toMatch(/relay\s+\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    expect(text).toMatch(/demo\s+http:\/\/127\.0\.0\.1:\d+/)
    expect(text).toContain('npx meshwork request echo')
  })

  it('request returns the reply on stdout', async () => {
    const { code, stdout } = await cli(['request', 'echo', '{"hi":1}'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ hi: 1 })
  })

  it('request --stream prints the tokens as they come', async () => {
    const { code, stdout } = await cli(['request', 'demo-llm', '{"prompt":"cli","maxTokens":25}', '--stream'])
    expect(code).toBe(0)
    expect(stdout).toBe(`${generate('cli', 25).join('')}\n`)
  })

  it('errors go to stderr with a non-zero exit', async () => {
    const [{ code, stdout, stderr }, usage] = await Promise.all([cli(['request', 'demo-llm', '{"prompt":42}']), cli(['request'])])
    expect(code).not.toBe(0)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/RemoteError/)
    expect(usage.code).toBe(2)
  })

  it('serves the metrics of the relay and of each worker, listed for Prometheus', async () => {
    const text = output.join('\n')
    const urls = [...text.matchAll(/http:\/\/127\.0\.0\.1:\d+\/metrics/g)].map(m => m[0])
    const unique = [...new Set(urls)]
    expect(unique).toHaveLength(3)
    const [{ targets }] = JSON.parse(readFileSync(join(dir, '.meshwork', 'prometheus-targets.json'), 'utf8'))
    expect(targets).toEqual(unique.map(u => new URL(u).host))
    const echoTasks = async (url: string): Promise<number> => {
      const body = await (await fetch(url)).text()
      const line = body.split('\n').find(l => l.startsWith('meshwork_tasks_total{service="echo",outcome="ok"} '))
      return line == null ? 0 : Number(line.split(' ')[1])
    }
    const before = await Promise.all(unique.map(echoTasks))
    // four requester processes side by side
    const codes = await Promise.all([0, 1, 2, 3].map(async i => (await cli(['request', 'echo', `{"n":${i}}`])).code))
    expect(codes).toEqual([0, 0, 0, 0])
    const after = await Promise.all(unique.map(echoTasks))
    // the relay (first) runs no task; the workers ran the four between them
    expect(after[0]).toBe(0)
    expect(after[1] + after[2] - before[1] - before[2]).toBe(4)
  })

  it('peers lists the relay and both workers', async () => {
    const { code, stdout } = await cli(['peers', '--json'])
    expect(code).toBe(0)
    const peers = stdout.trim().split('\n').map(line => JSON.parse(line))
    expect(peers.filter(p => p.role === 'relay')).toHaveLength(1)
    expect(peers.filter(p => p.services.includes('demo-llm') && p.state === 'alive')).toHaveLength(2)
  })
})

describe('meshwork relay', () => {
  it('prints its TCP and WebSocket multiaddrs first, then its peer id', async () => {
    const relay = await startCli(['relay', '--port', '0'])
    try {
      expect(relay.lines[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+$/)
      expect(relay.lines[1]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\S+$/)
      expect(relay.lines[2]).toBe(`peer ${relay.peerId}`)
      const { code, stdout } = await runCli(['peers', '--bootstrap', relay.lines[0]])
      expect(code).toBe(0)
      expect(stdout).toContain(relay.peerId)
    } finally {
      relay.kill('SIGTERM')
      expect(await relay.exited).toBe(0)
    }
  })
})

describe('protected services from the command line', () => {
  it('a worker with --owner serves holders of a token from `meshwork token`, and refuses others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshwork-keys-'))
    const relay = await startCli(['relay', '--port', '0'])
    let worker: Awaited<ReturnType<typeof startCli>> | undefined
    try {
      const owner = (await runCli(['key', join(dir, 'owner.key')])).stdout.trim().replace(/^peer /, '')
      const caller = (await runCli(['key', join(dir, 'caller.key')])).stdout.trim().replace(/^peer /, '')
      const token = await runCli(['token', '--owner-key', join(dir, 'owner.key'), '--peer', caller, '--service', 'echo'])
      expect(token.code).toBe(0)
      worker = await startCli(['worker', '--bootstrap', relay.lines[0], '--service', 'echo', '--owner', owner])
      const allowed = await runCli(['request', '--bootstrap', relay.lines[0], '--key', join(dir, 'caller.key'), '--token', token.stdout.trim(), 'echo', '"secret"'])
      expect(allowed.stdout.trim()).toBe('secret')
      const refused = await runCli(['request', '--bootstrap', relay.lines[0], '--token', token.stdout.trim(), 'echo', '"secret"'])
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(/AccessDeniedError/)
    } finally {
      worker?.kill()
      relay.kill()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
