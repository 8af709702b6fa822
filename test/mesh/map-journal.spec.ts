/**
 * A journaled `map` over in-process nodes: the node stops partway through
 * the job and a new node with the same journal and identity re-opens it
 * with the same call; the results the first node handed over are neither
 * run nor yielded again, and `all()` gives every value. Refusals: no
 * journal, the same job open twice, other inputs under a recorded id.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryJournal } from '../../src/journal/journal.ts'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { MeshNode } from '../../src/types.ts'

const TASKS = 30
const WORK_MS = 50

describe('journaled map', () => {
  let mesh: TestMesh
  const runs = new Map<number, number>()

  beforeAll(async () => {
    mesh = await createMeshOf(3)
    for (const worker of mesh.nodes.slice(1)) {
      worker.serve('square', async (x: number) => {
        runs.set(x, (runs.get(x) ?? 0) + 1)
        await new Promise(resolve => setTimeout(resolve, WORK_MS))
        return x * x
      }, { concurrency: 8 })
    }
  }, 30_000)

  afterAll(async () => {
    await mesh?.stop()
  })

  const inputs = Array.from({ length: TASKS }, (_, n) => n)

  it('re-opens a job after its node stopped: nothing handed over runs or is yielded again', async () => {
    const journal = memoryJournal()
    const privateKey = await generateKeyPair('Ed25519')
    const first = await mesh.add({ journal, privateKey })
    await first.waitForWorkers('square', 2, { timeoutMs: 10_000 })
    const handed: number[] = []
    const job = first.map<number>('square', inputs, { concurrency: 4, journal: { id: 'squares' } })
    const reading = (async () => {
      for await (const { index, value } of job) {
        expect(value).toBe(index * index)
        handed.push(index)
      }
    })()
    await eventually(() => handed.length >= TASKS / 3, 10_000, 'a third of the job')
    await first.stop()
    await expect(reading).rejects.toMatchObject({ name: 'MapTaskError', cause: { name: 'NotStartedError' } })
    const before = handed.length

    const second: MeshNode = await mesh.add({ journal, privateKey })
    await second.waitForWorkers('square', 2, { timeoutMs: 10_000 })
    const reopened = second.map<number>('square', inputs, { concurrency: 4, journal: { id: 'squares' } })
    for await (const { index, value } of reopened) {
      expect(value).toBe(index * index)
      handed.push(index)
    }
    expect(reopened.progress.done).toBe(TASKS)
    expect(await reopened.all()).toEqual(inputs.map(n => n * n))
    expect(handed.length).toBeGreaterThan(before)
    expect([...handed].sort((a, b) => a - b)).toEqual(inputs)
    // a task handed over before the stop never ran again
    for (const index of handed.slice(0, before)) {
      expect(runs.get(index)).toBe(1)
    }
    // the job is forgotten once it ended: the same id is a new job
    const again = second.map<number>('square', [2], { journal: { id: 'squares' } })
    expect(await again.all()).toEqual([4])
    await second.stop()
  }, 30_000)

  it('refuses a journaled job without a journal, twice at once, or with other inputs', async () => {
    const plain = mesh.nodes[0]
    expect(() => plain.map('square', inputs, { journal: { id: 'x' } })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    expect(() => plain.map('square', inputs, { journal: { id: 5 } as any })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))

    const journal = memoryJournal()
    const node = await mesh.add({ journal })
    await node.waitForWorkers('square', 2, { timeoutMs: 10_000 })
    const job = node.map('square', inputs, { concurrency: 2, journal: { id: 'once' } })
    expect(() => node.map('square', inputs, { journal: { id: 'once' } })).toThrow(expect.objectContaining({ name: 'InvalidArgumentError' }))
    await eventually(() => job.progress.done > 0, 10_000, 'a result')
    await node.stop()
    await expect(job.all()).rejects.toMatchObject({ name: 'MapTaskError' })

    const restarted = await mesh.add({ journal })
    await restarted.waitForWorkers('square', 2, { timeoutMs: 10_000 })
    const other = restarted.map('square', inputs.map(n => n + 1), { journal: { id: 'once' } })
    await expect(other.all()).rejects.toMatchObject({ name: 'InvalidArgumentError' })
    // the recorded job is still there for the right inputs
    expect(await restarted.map('square', inputs, { journal: { id: 'once' } }).all()).toEqual(inputs.map(n => n * n))
    await restarted.stop()
  }, 30_000)
})
