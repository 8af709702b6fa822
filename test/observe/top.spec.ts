/**
 * `meshwork top --once` against a relay and two workers as real processes:
 * one worker keeps metrics (`--metrics-port`) and has run a known number of
 * tasks, the other does not. The frame lists every peer with its state,
 * role and services; the figures of the one with metrics, '-' for the other.
 * The requesters that ran the tasks may still be listed, as peers that serve
 * nothing, until their goodbye has spread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startRelay, startWorker } from '../helpers/cli.ts'
import type { CliProcess } from '../helpers/cli.ts'

const TASKS = 3

describe('meshwork top --once', () => {
  let relay: CliProcess & { tcp: string }
  let measured: CliProcess
  let plain: CliProcess

  beforeAll(async () => {
    relay = await startRelay()
    ;[measured, plain] = await Promise.all([
      startWorker(relay.tcp, ['--service', 'echo', '--handler', 'echo', '--metrics-port', '0']),
      startWorker(relay.tcp, ['--service', 'upper', '--handler', 'echo'])
    ])
  }, 60_000)

  afterAll(() => {
    for (const p of [relay, measured, plain]) p?.kill('SIGKILL')
  })

  it('prints one frame with every peer and the figures of peers keeping metrics', async () => {
    await Promise.all(Array.from({ length: TASKS }, async (_, i) => {
      const out = await runCli(['request', '--bootstrap', relay.tcp, 'echo', `"hi ${i}"`])
      expect(out.code, out.stderr).toBe(0)
    }))
    const { code, stdout, stderr } = await runCli(['top', '--bootstrap', relay.tcp, '--once'])
    expect(code, stderr).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0].split(/\s+/)).toEqual(['PEER', 'STATE', 'ROLE', 'SERVICES', 'LOAD', 'TASKS', 'TASKS/S', 'P50_MS', 'P99_MS', 'FAILOVERS'])
    const cells = (peer: string): string[] => lines.find(l => l.startsWith(peer))?.split(/\s+/) ?? []
    expect(cells(relay.peerId).slice(1, 3)).toEqual(['alive', 'relay'])
    const m = cells(measured.peerId)
    expect(m.slice(1, 4)).toEqual(['alive', 'node', 'echo'])
    expect(m[5]).toBe(String(TASKS))
    // tasks/s over the last 10 s: at most all of them
    expect(Number(m[6])).toBeGreaterThanOrEqual(0)
    expect(Number(m[6])).toBeLessThanOrEqual(TASKS / 10)
    expect(Number(m[7])).toBeGreaterThanOrEqual(0)
    expect(Number(m[8])).toBeGreaterThanOrEqual(Number(m[7]))
    expect(m[9]).toBe('0')
    expect(cells(plain.peerId).slice(1, 10)).toEqual(['alive', 'node', 'upper', '0/16', '-', '-', '-', '-', '-'])
    // any other row is one of the requesters that just left, listed until its goodbye reaches every peer
    const others = lines.slice(1).filter(l => ![relay, measured, plain].some(p => l.startsWith(p.peerId)))
    expect(others.length).toBeLessThanOrEqual(TASKS)
    for (const line of others) expect(line.split(/\s+/).slice(2, 5)).toEqual(['node', '-', '-'])
  }, 60_000)
})
