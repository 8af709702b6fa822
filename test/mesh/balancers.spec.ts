import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshOf } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { BalancerName } from '../../src/index.ts'

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Runs `total` requests with `inFlight` at a time; returns how many each worker served. */
async function spread (requester: TestMesh['nodes'][number], service: string, balancer: BalancerName, total: number, inFlight: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  let next = 0
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < total) {
      next++
      const who: string = await requester.request(service, null, { balancer })
      counts.set(who, (counts.get(who) ?? 0) + 1)
    }
  }))
  return counts
}

describe('balancers', () => {
  let mesh: TestMesh
  let requester: TestMesh['nodes'][number]
  let fast: string[]
  let slow: string[]

  beforeAll(async () => {
    mesh = await createMeshOf(6)
    const workers = mesh.nodes.slice(1, 5)
    requester = mesh.nodes[5]
    fast = workers.slice(0, 2).map(w => w.peerId)
    slow = workers.slice(2).map(w => w.peerId)
    for (const w of workers) {
      w.serve('who', async () => w.peerId, { concurrency: 4 })
      const delay = fast.includes(w.peerId) ? 1 : 25
      w.serve('work', async () => { await sleep(delay); return w.peerId }, { concurrency: 4 })
    }
    await requester.waitForWorkers('who', 4)
    await requester.waitForWorkers('work', 4)
  })

  afterAll(async () => { await mesh.stop() })

  it('round-robin gives each worker its turn: 1,000 requests within ±1 per worker', async () => {
    const counts = await spread(requester, 'who', 'round-robin', 1000, 8)
    expect(counts.size).toBe(4)
    for (const n of counts.values()) {
      expect(Math.abs(n - 250)).toBeLessThanOrEqual(1)
    }
  })

  it('random uses every worker, about evenly', async () => {
    const counts = await spread(requester, 'who', 'random', 1000, 8)
    expect(counts.size).toBe(4)
    // 1,000 draws over 4 workers: a share outside 250 ± 80 is a 5-sigma event
    for (const n of counts.values()) {
      expect(Math.abs(n - 250)).toBeLessThan(80)
    }
  })

  it('least-loaded keeps slow workers less busy', async () => {
    const counts = await spread(requester, 'work', 'least-loaded', 1000, 12)
    const onFast = fast.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0)
    const onSlow = slow.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0)
    expect(onFast + onSlow).toBe(1000)
    expect(onFast).toBeGreaterThan(onSlow * 2)
  })

  it('p2c-ewma (the default) sends most work to the faster workers', async () => {
    const counts = await spread(requester, 'work', 'p2c-ewma', 1000, 12)
    const onFast = fast.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0)
    const onSlow = slow.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0)
    expect(onFast + onSlow).toBe(1000)
    expect(onFast).toBeGreaterThan(onSlow * 2)
  })

  it('refuses an unknown balancer with a typed error', async () => {
    await expect(requester.request('who', null, { balancer: 'fastest' as BalancerName })).rejects.toHaveProperty('name', 'InvalidArgumentError')
  })
})
