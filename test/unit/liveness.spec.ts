import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { Liveness } from '../../src/liveness/liveness.ts'
import { PeerLoss } from '../../src/liveness/peer-loss.ts'
import { PeerTable } from '../../src/presence/peer-table.ts'
import { KIND_PING } from '../../src/wire/frame.ts'
import { fakeChannel, fakeChannels, sentOf } from './stubs.ts'
import type { Libp2p } from '@libp2p/interface'
import type { FakeChannels } from './stubs.ts'

const KEEPALIVE_MS = 100
const SUSPECT_MS = 300
const DEAD_MS = 1_000
const REQUESTER_MS = 500

async function peerId (): Promise<string> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
}

describe('Liveness', () => {
  let worker: string
  let requester: string
  let table: PeerTable
  let channels: FakeChannels
  let unreachable: Set<string>
  let workers: string[]
  let requesters: string[]
  let silent: string[]
  let silentRequesters: string[]
  let witnessed: string[]
  let liveness: Liveness | undefined

  beforeAll(async () => {
    worker = await peerId()
    requester = await peerId()
  })

  beforeEach(() => {
    vi.useFakeTimers()
    liveness = undefined
    table = new PeerTable({ selfId: 'me', onState: (record) => { liveness?.onState(record.peerId, record.state) } })
    table.learnWorker(worker, 'svc', 1, 0)
    unreachable = new Set()
    channels = fakeChannels(unreachable)
    channels.to(worker)
    workers = []
    requesters = []
    silent = []
    silentRequesters = []
    witnessed = []
    const created = new Liveness({
      libp2p: { getConnections: () => [] } as unknown as Libp2p,
      log: logger('test:liveness'),
      table,
      channels,
      workers: () => workers,
      requesters: () => requesters,
      load: () => 0,
      onSilent: (peer) => { silent.push(peer) },
      onRequesterSilent: (peer) => { silentRequesters.push(peer) },
      keepaliveIntervalMs: KEEPALIVE_MS,
      suspectTimeoutMs: SUSPECT_MS,
      deadTimeoutMs: DEAD_MS,
      requesterTimeoutMs: REQUESTER_MS,
      onWitnessedDeath: (peer) => { witnessed.push(peer) }
    })
    liveness = created
    created.start()
  })

  afterEach(() => {
    liveness?.stop()
    vi.useRealTimers()
  })

  it('pings the workers holding our tasks, and only them', () => {
    vi.advanceTimersByTime(KEEPALIVE_MS)
    expect(sentOf(channels.to(worker), KIND_PING)).toHaveLength(0)
    workers = [worker]
    vi.advanceTimersByTime(KEEPALIVE_MS * 3)
    expect(sentOf(channels.to(worker), KIND_PING).length).toBeGreaterThanOrEqual(2)
  })

  it('reports a worker silent once its pings go unanswered past suspectTimeoutMs', () => {
    workers = [worker]
    vi.advanceTimersByTime(KEEPALIVE_MS / 2)
    vi.advanceTimersByTime(SUSPECT_MS)
    expect(silent).toHaveLength(0)
    vi.advanceTimersByTime(KEEPALIVE_MS)
    expect(silent[0]).toBe(worker)
  })

  it('does not report a worker that answers', () => {
    workers = [worker]
    for (let t = 0; t < SUSPECT_MS * 5; t += KEEPALIVE_MS) {
      vi.advanceTimersByTime(KEEPALIVE_MS)
      liveness?.heard(worker)
    }
    expect(silent).toHaveLength(0)
  })

  it('reports a requester silent past requesterTimeoutMs', () => {
    requesters = [requester]
    vi.advanceTimersByTime(REQUESTER_MS)
    expect(silentRequesters).toHaveLength(0)
    liveness?.heard(requester)
    vi.advanceTimersByTime(REQUESTER_MS)
    expect(silentRequesters).toHaveLength(0)
    vi.advanceTimersByTime(KEEPALIVE_MS)
    expect(silentRequesters[0]).toBe(requester)
  })

  it('declares a suspect that cannot be reached dead, and spreads the word', async () => {
    unreachable.add(worker)
    table.suspect(worker)
    await vi.advanceTimersByTimeAsync(KEEPALIVE_MS)
    expect(table.get(worker)?.state).toBe('dead')
    expect(witnessed).toEqual([worker])
  })

  it('brings a suspect back when it answers the probe', async () => {
    table.suspect(worker)
    await vi.advanceTimersByTimeAsync(KEEPALIVE_MS / 2)
    expect(sentOf(channels.to(worker), KIND_PING)).toHaveLength(1)
    liveness?.heard(worker)
    expect(table.get(worker)?.state).toBe('alive')
    await vi.advanceTimersByTimeAsync(DEAD_MS * 2)
    expect(table.get(worker)?.state).toBe('alive')
  })

  it('declares a suspect dead after deadTimeoutMs even while probes hang', async () => {
    (channels.get as ReturnType<typeof vi.fn>).mockImplementation(async () => new Promise(() => {}))
    table.suspect(worker)
    await vi.advanceTimersByTimeAsync(DEAD_MS)
    expect(table.get(worker)?.state).toBe('suspect')
    await vi.advanceTimersByTimeAsync(KEEPALIVE_MS)
    expect(table.get(worker)?.state).toBe('dead')
  })
})

describe('PeerLoss', () => {
  function setup (): { table: PeerTable, loss: PeerLoss, moved: Array<[string, string, boolean]>, cancelled: string[], cancelledOnChannel: string[], checked: string[] } {
    const moved: Array<[string, string, boolean]> = []
    const cancelled: string[] = []
    const cancelledOnChannel: string[] = []
    const checked: string[] = []
    const table: PeerTable = new PeerTable({ selfId: 'me', onState: (record, previous) => { loss.onState(record, previous) } })
    const loss: PeerLoss = new PeerLoss({
      table,
      moveCalls: (peer, reason, channel) => { moved.push([peer, reason, channel != null]) },
      cancelTasks: (peer, channel) => { (channel == null ? cancelled : cancelledOnChannel).push(peer) },
      checkLater: (peer) => { checked.push(peer) },
      onState: () => {}
    })
    table.learnWorker('W', 'svc', 1, 0)
    return { table, loss, moved, cancelled, cancelledOnChannel, checked }
  }

  it('a lost connection to a worker holding our tasks makes it suspect and moves them', () => {
    const { table, loss, moved, cancelled } = setup()
    table.get('W')!.outstanding = 1
    loss.disconnected('W')
    expect(table.get('W')?.state).toBe('suspect')
    expect(moved).toEqual([['W', 'suspect', false]])
    expect(cancelled).toEqual(['W'])
  })

  it('a lost connection to anyone else is only checked on', () => {
    const { table, loss, moved, checked } = setup()
    loss.disconnected('W')
    expect(table.get('W')?.state).toBe('alive')
    expect(moved).toEqual([])
    expect(checked).toEqual(['W'])
  })

  it('a clean channel close moves only that channel\'s calls', () => {
    const { table, loss, moved, cancelled, cancelledOnChannel } = setup()
    table.get('W')!.outstanding = 1
    loss.channelClosed(fakeChannel('W', 'outbound'))
    expect(table.get('W')?.state).toBe('alive')
    expect(moved).toEqual([['W', 'channel closed', true]])
    // W's other tasks here stay; only those it granted on this channel stop
    expect(cancelled).toEqual([])
    expect(cancelledOnChannel).toEqual(['W'])
  })

  it('a reset makes a worker holding our tasks suspect', () => {
    const { table, loss, moved } = setup()
    table.get('W')!.outstanding = 1
    loss.channelClosed(fakeChannel('W', 'outbound'), new Error('reset'))
    expect(table.get('W')?.state).toBe('suspect')
    expect(moved).toEqual([['W', 'suspect', false], ['W', 'stream reset', true]])
  })

  it('a dead peer loses the tasks it asked of us', () => {
    const { table, cancelled, moved } = setup()
    table.dead('W')
    expect(moved).toEqual([['W', 'dead', false]])
    expect(cancelled).toEqual(['W'])
  })

  it('a silent peer outside the table still loses its calls', () => {
    const { loss, moved } = setup()
    loss.silent('stranger')
    expect(moved).toEqual([['stranger', 'silent', false]])
  })
})
