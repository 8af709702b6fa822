/**
 * The two ways a task reaches many workers: a fan-out with a quorum
 * resolves as soon as enough answered and cancels the rest; and
 * `mode: 'broadcast'` really announces each task (on the channels the caller
 * has with workers, and on the service topic) and grants it to an offering
 * worker (a direct call announces nothing).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SERVICE_TOPIC_PREFIX } from '../../src/constants.ts'
import { Claim } from '../../src/wire/generated/presence.js'
import { createMeshOf, eventually } from '../helpers/mesh.ts'
import type { TestMesh } from '../helpers/mesh.ts'
import type { HandlerContext, MeshNode } from '../../src/types.ts'
import type { Frame } from '../../src/wire/frame.ts'

/** How long a slow worker would take to answer, if nobody cancelled it */
const SLOW_MS = 20_000

describe('fan-out with a quorum', () => {
  let mesh: TestMesh | undefined
  afterEach(async () => { await mesh?.stop() })

  it('resolves once the quorum answered, and cancels the workers still running', async () => {
    mesh = await createMeshOf(6)
    const [, fast1, fast2, slow1, slow2, caller] = mesh.nodes
    const cancelled: string[] = []
    // the fast workers answer once both slow ones run, so the quorum is
    // reached while there is work to cancel (not before it was dispatched)
    let started = 0
    let bothSlowStarted!: () => void
    const slowRunning = new Promise<void>(resolve => { bothSlowStarted = resolve })
    for (const fast of [fast1, fast2]) {
      fast.serve('vote', async () => { await slowRunning; return fast.peerId })
    }
    for (const slow of [slow1, slow2]) {
      slow.serve('vote', async (_input: unknown, ctx: HandlerContext) => {
        if (++started === 2) bothSlowStarted()
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, SLOW_MS)
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            cancelled.push(slow.peerId)
            resolve()
          }, { once: true })
        })
        return slow.peerId
      })
    }
    await caller.waitForWorkers('vote', 4)
    const startedAt = Date.now()
    const replies = await caller.broadcast('vote', null, { quorum: 2, timeoutMs: 2 * SLOW_MS })
    const tookMs = Date.now() - startedAt

    expect(tookMs).toBeLessThan(SLOW_MS / 2)
    expect(replies.filter(r => r.ok).map(r => r.peerId).sort()).toEqual([fast1.peerId, fast2.peerId].sort())
    // the slow workers hear the cancel instead of running on
    await eventually(() => cancelled.length === 2, 5_000, 'both slow workers cancelled')
    expect(cancelled.sort()).toEqual([slow1.peerId, slow2.peerId].sort())
  })
})

describe("mode: 'broadcast'", () => {
  let mesh: TestMesh | undefined
  afterEach(async () => { await mesh?.stop() })

  /** Task ids of the claims the workers receive, on the service's topic and on task channels. */
  function watchClaims (workers: MeshNode[], service: string): { topic: Set<string>, channel: Set<string> } {
    const claimed = { topic: new Set<string>(), channel: new Set<string>() }
    for (const worker of workers) {
      (worker.libp2p.services as any).pubsub.addEventListener('message', (evt: CustomEvent<any>) => {
        if (evt.detail.topic === SERVICE_TOPIC_PREFIX + service) {
          claimed.topic.add(Claim.decode(evt.detail.data).task)
        }
      })
      const offers = (worker as any).parts.offers
      const onClaimFrame = offers.onClaimFrame.bind(offers)
      offers.onClaimFrame = (frame: Frame, channel: unknown) => {
        claimed.channel.add(frame.task)
        onClaimFrame(frame, channel)
      }
    }
    return claimed
  }

  it('announces every task as a claim before granting it; a direct call announces none', async () => {
    mesh = await createMeshOf(4)
    const [, a, b, caller] = mesh.nodes
    a.serve('claimed', async () => a.peerId)
    b.serve('claimed', async () => b.peerId)
    await caller.waitForWorkers('claimed', 2)
    const claimed = watchClaims([a, b], 'claimed')
    const dispatched: string[] = []
    caller.addEventListener('task:dispatch', e => { dispatched.push(e.detail.taskId) })

    // the claim topic's mesh forms after the subscriptions travel: the first claims may take a round
    for (let i = 0; i < 5; i++) {
      expect([a.peerId, b.peerId]).toContain(await caller.request('claimed', i, { mode: 'broadcast' }))
    }
    expect(dispatched).toHaveLength(5)
    // once the caller has channels with the workers, claims travel on them, ahead of the topic
    expect(dispatched.filter(id => !claimed.topic.has(id) && !claimed.channel.has(id))).toEqual([])
    expect(claimed.channel.size).toBeGreaterThan(0)

    dispatched.length = 0
    for (let i = 0; i < 5; i++) {
      await caller.request('claimed', i)
    }
    expect(dispatched).toHaveLength(5)
    expect(dispatched.filter(id => claimed.topic.has(id) || claimed.channel.has(id))).toEqual([])
  })
})
