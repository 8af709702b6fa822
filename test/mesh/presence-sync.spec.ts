/**
 * Table syncs between real libp2p peers (memory transport) over
 * `/meshwork/presence/1.0.0`: one exchange hands a joining peer the whole
 * table in bounded pages, a digest keeps what the other side already has
 * off the wire, what the answering side lacks goes back to it, and bad
 * pages end the sync with a ProtocolError and a penalty for their sender.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { logger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { pbStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { libp2pOptions } from '../../node/libp2p-options.ts'
import { MAX_PRESENCE_PAGE_BYTES, MAX_PRESENCE_PAGE_ENTRIES, PRESENCE_PROTOCOL } from '../../src/constants.ts'
import { openAnnouncement, sealAnnouncement } from '../../src/presence/announcement.ts'
import { PeerTable } from '../../src/presence/peer-table.ts'
import { TableSync } from '../../src/presence/table-sync.ts'
import { PeerPenalties } from '../../src/security/penalties.ts'
import { PresencePage } from '../../src/wire/generated/presence.js'
import { eventually } from '../helpers/mesh.ts'
import type { Libp2p, PrivateKey } from '@libp2p/interface'

interface Peer {
  libp2p: Libp2p
  key: PrivateKey
  table: PeerTable
  sync: TableSync
  violations: string[]
}

const started: Libp2p[] = []

async function entryOf (key: PrivateKey, seq = BigInt(Date.now()), service = 'svc'): Promise<Uint8Array<ArrayBuffer>> {
  return sealAnnouncement(key, {
    peer: peerIdFromPrivateKey(key).toMultihash().bytes,
    seq,
    services: [{ name: service, concurrency: 4, load: 0, models: [] }],
    addrs: [],
    refreshMs: 5_000,
    gone: [],
    leaving: false,
    role: 'node'
  })
}

async function put (table: PeerTable, signed: Uint8Array): Promise<void> {
  const { peerId, announcement } = await openAnnouncement(signed)
  table.announce(peerId.toString(), announcement, signed)
}

/** A libp2p peer with a peer table and the table sync, serving the protocol unless told otherwise. */
async function peer (options: { pageEntries?: number, serve?: boolean } = {}): Promise<Peer> {
  const key = await generateKeyPair('Ed25519')
  const libp2p = await createLibp2p(await libp2pOptions({ transport: 'memory', webrtc: false }, key, new PeerPenalties()))
  started.push(libp2p)
  const table = new PeerTable({ selfId: libp2p.peerId.toString(), onState: () => {} })
  const violations: string[] = []
  const own = await entryOf(key)
  const sync = new TableSync({
    libp2p,
    table,
    log: logger('test:presence-sync'),
    ownEntry: async () => own,
    apply: (opened, signed) => { table.announce(opened.peerId.toString(), opened.announcement, signed) },
    onViolation: (p) => { violations.push(p) },
    pageEntries: options.pageEntries
  })
  if (options.serve !== false) {
    await libp2p.handle(PRESENCE_PROTOCOL, async (stream, connection) => { await sync.serve(stream, connection.remotePeer) })
  }
  return { libp2p, key, table, sync, violations }
}

async function keys (n: number): Promise<PrivateKey[]> {
  return Promise.all(Array.from({ length: n }, async () => generateKeyPair('Ed25519')))
}

const ids = (table: PeerTable): string[] => [...table.all()].map(r => r.peerId).sort()

describe('presence table sync', () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map(async n => { await n.stop() }))
  })

  it('a joining peer learns a mesh of N from one contact, in bounded pages', async () => {
    const N = 600
    const contact = await peer()
    for (const key of await keys(N)) {
      await put(contact.table, await entryOf(key))
    }
    const joiner = await peer()
    await joiner.libp2p.dial(contact.libp2p.getMultiaddrs()[0])
    const known = [...ids(contact.table), contact.libp2p.peerId.toString()].sort()

    const result = await joiner.sync.sync(contact.libp2p.peerId)

    // every peer the contact knows, and the contact itself
    expect(ids(joiner.table)).toEqual(known)
    expect(result.received).toBe(N + 1)
    expect(result.pages).toBe(Math.ceil((N + 1) / MAX_PRESENCE_PAGE_ENTRIES))
    // and the contact learned the joiner from the same exchange
    expect(contact.table.get(joiner.libp2p.peerId.toString())?.state).toBe('alive')
    expect(joiner.violations).toEqual([])
    expect(contact.violations).toEqual([])
  })

  it('the digest keeps known entries off the wire; what the answering side lacks goes back to it', async () => {
    const a = await peer()
    const b = await peer()
    const [shared, onlyA, onlyB] = [await keys(30), await keys(5), await keys(7)]
    for (const key of shared) {
      const entry = await entryOf(key)
      await put(a.table, entry)
      await put(b.table, entry)
    }
    for (const key of onlyA) await put(a.table, await entryOf(key))
    for (const key of onlyB) await put(b.table, await entryOf(key))
    // a newer entry of a shared peer on the asking side also goes back
    await put(a.table, await entryOf(shared[0], BigInt(Date.now() + 1_000), 'newer'))
    await a.libp2p.dial(b.libp2p.getMultiaddrs()[0])

    const result = await a.sync.sync(b.libp2p.peerId)

    // b's own entry and the 7 only b had; none of the 30 shared
    expect(result.received).toBe(1 + onlyB.length)
    expect(result.sent).toBe(onlyA.length + 1)
    // the answering side applies what came back once it has read it
    const everyone = [a, b].map(p => p.libp2p.peerId.toString())
    await eventually(() => ids(b.table).length === ids(a.table).length, 5_000, 'b has what a sent')
    expect([...ids(a.table), everyone[0]].sort()).toEqual([...ids(b.table), everyone[1]].sort())
    expect(b.table.get(peerIdFromPrivateKey(shared[0]).toString())?.services.has('newer')).toBe(true)

    // once they agree, a sync carries only the answering peer's own entry
    const again = await a.sync.sync(b.libp2p.peerId)
    expect(again).toEqual({ pages: 1, received: 1, applied: 0, sent: 0 })
  })

  describe('bad pages are refused and their sender penalised', () => {
    /** An answering peer that writes `pages` (raw bytes, length-prefixed by pbStream) whatever it is asked. */
    async function hostile (write: (pb: ReturnType<typeof pbStream>) => Promise<void>): Promise<Libp2p> {
      const evil = await peer({ serve: false })
      await evil.libp2p.handle(PRESENCE_PROTOCOL, async (stream) => {
        const pb = pbStream(stream, { maxDataLength: 2 * MAX_PRESENCE_PAGE_BYTES + 1024 })
        await pb.read(PresencePage)
        await write(pb).catch(() => {})
        await stream.close().catch(() => {})
      })
      return evil.libp2p
    }

    async function syncWith (evil: Libp2p): Promise<{ err: any, asker: Peer }> {
      const asker = await peer()
      await asker.libp2p.dial(evil.getMultiaddrs()[0])
      const err = await asker.sync.sync(evil.peerId).then(() => undefined, e => e)
      return { err, asker }
    }

    it('an oversized page', async () => {
      const evil = await hostile(async pb => {
        await pb.write({ entries: [new Uint8Array(MAX_PRESENCE_PAGE_BYTES + 1)] }, PresencePage)
      })
      const { err, asker } = await syncWith(evil)
      expect(err?.name).toBe('ProtocolError')
      expect(asker.violations).toEqual([evil.peerId.toString()])
    })

    it('a page of too many entries', async () => {
      const entry = await entryOf(await generateKeyPair('Ed25519'))
      const evil = await hostile(async pb => {
        await pb.write({ entries: Array.from({ length: MAX_PRESENCE_PAGE_ENTRIES + 1 }, () => entry) }, PresencePage)
      })
      const { err, asker } = await syncWith(evil)
      expect(err?.name).toBe('ProtocolError')
      expect(asker.violations).toEqual([evil.peerId.toString()])
      expect(asker.table.size).toBe(0)
    })

    it('an entry that is not protobuf, and a forged one', async () => {
      const victim = await generateKeyPair('Ed25519')
      const forger = await generateKeyPair('Ed25519')
      // the victim's announcement, signed by someone else
      const genuine = await entryOf(victim)
      const { SignedAnnouncement } = await import('../../src/wire/generated/presence.js')
      const decoded = SignedAnnouncement.decode(genuine)
      const forged = SignedAnnouncement.encode({ announcement: decoded.announcement, signature: (await forger.sign(decoded.announcement)) as Uint8Array<ArrayBuffer> })
      for (const bad of [new Uint8Array([0xff, 0xff, 0xff]), forged]) {
        const evil = await hostile(async pb => { await pb.write({ entries: [bad] }, PresencePage) })
        const { err, asker } = await syncWith(evil)
        expect(err?.name).toBe('ProtocolError')
        expect(asker.violations).toEqual([evil.peerId.toString()])
        expect(asker.table.get(peerIdFromPrivateKey(victim).toString())).toBeUndefined()
      }
    })

    it('pages without end', async () => {
      const evil = await hostile(async pb => {
        for (let i = 0; i < 1_000; i++) {
          await pb.write({ entries: [], more: true }, PresencePage)
        }
      })
      const { err, asker } = await syncWith(evil)
      expect(err?.name).toBe('ProtocolError')
      expect(asker.violations).toEqual([evil.peerId.toString()])
    })

    it('a malformed digest from the asking side', async () => {
      const honest = await peer()
      const evil = await peer({ serve: false })
      await evil.libp2p.dial(honest.libp2p.getMultiaddrs()[0])
      const stream = await evil.libp2p.dialProtocol(honest.libp2p.peerId, PRESENCE_PROTOCOL)
      const pb = pbStream(stream)
      await pb.write({ entries: [], digest: new Uint8Array(17) }, PresencePage)
      // the honest side hangs up instead of answering
      await expect(pb.read(PresencePage)).rejects.toThrow()
      expect(honest.violations).toEqual([evil.libp2p.peerId.toString()])
    })
  })
})
