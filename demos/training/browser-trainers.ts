/**
 * Browser tabs as trainers of the demo run: the training page
 * (demos/training/browser) built with Vite, and a page server that tells a
 * tab where the mesh is, hands it one of the run's browser places
 * (`browser-0`, `browser-1`, …) and serves that place's shard of training
 * samples as a binary file. The protocol is in browser/tab-config.ts.
 */
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import { serveDemo } from '../../node/demo-server.ts'
import { encodeShard } from './shard-file.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Dataset } from '../../src/compute/mlp.ts'
import type { TabAssignment, TabConfig } from './browser/tab-config.ts'
import type { TrainingSettings } from './hyperparameters.ts'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
/** Largest claim body read. */
const MAX_CLAIM_BYTES = 1024
/** gzip level of shard files: the fastest (a shard is sent once per tab, over a LAN at worst). */
const SHARD_GZIP_LEVEL = 1
/** Longest peer id a claim may carry. */
const MAX_PEER_ID_LENGTH = 128

/** Builds the training page into `outDir` (Vite is a development dependency: loaded only here). */
export async function buildTrainingPage (outDir: string): Promise<void> {
  const { build } = await import('vite')
  await build({
    configFile: false,
    root: here('./browser'),
    base: './',
    logLevel: 'warn',
    resolve: { alias: { 'meshwork/browser': here('../../browser/index.ts') } },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048, reportCompressedSize: false }
  })
}

/** One browser place: its shard and the seed of its batch order. */
export interface BrowserPlace {
  shard: Dataset
  seed: number
}

export interface TrainingPageInit {
  /** Folder of the built page */
  dir: string
  /** WebSocket multiaddrs of the run's bootstrap peer */
  bootstrap: string[]
  run: string
  places: BrowserPlace[]
  settings: TrainingSettings
  /** How long a tab's call to the coordinator may wait */
  callTimeoutMs: number
  port?: number
  host?: string
  /** Hears each claim: a tab (`peerId`) took place `name` */
  onClaim?(name: string, peerId: string): void
}

export interface TrainingPage {
  url: string
  /** Place names to the peer ids of the tabs that hold them */
  holders(): Record<string, string>
  /** Resolves once every place was claimed */
  readonly full: Promise<void>
  close(): Promise<void>
}

const placeName = (slot: number): string => `browser-${slot}`

function answer (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

async function readBody (req: IncomingMessage): Promise<unknown> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_CLAIM_BYTES) throw new Error(`a claim is at most ${MAX_CLAIM_BYTES} bytes`)
    chunks.push(chunk)
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** Serves the built page, the run's places and their shards. */
export async function serveTrainingPage (init: TrainingPageInit): Promise<TrainingPage> {
  const holders = new Map<number, string>()
  const shardFiles = new Map<number, Buffer>()
  let fill!: () => void
  const full = new Promise<void>(resolve => { fill = resolve })
  const config: TabConfig = { bootstrap: init.bootstrap, run: init.run }

  const claim = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return answer(res, 405, { error: 'POST a claim' })
    let body: { peerId?: unknown, slot?: unknown }
    try {
      body = (await readBody(req) ?? {}) as typeof body
    } catch (err: any) {
      return answer(res, 400, { error: err.message })
    }
    const { peerId, slot: wanted } = body
    if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_LENGTH) {
      return answer(res, 400, { error: 'a claim carries the tab\'s peerId' })
    }
    // a reloaded tab takes its place again; a new one the first free place
    const slot = Number.isInteger(wanted) && (wanted as number) >= 0 && (wanted as number) < init.places.length
      ? wanted as number
      : init.places.findIndex((_, k) => !holders.has(k))
    if (slot < 0) return answer(res, 409, { error: `all ${init.places.length} browser places of this run are taken` })
    holders.set(slot, peerId)
    init.onClaim?.(placeName(slot), peerId)
    if (holders.size === init.places.length) fill()
    const { settings } = init
    const place: TabAssignment = {
      name: placeName(slot),
      slot,
      shard: `./shard/${slot}.bin`,
      innerSteps: settings.innerSteps,
      batchSize: settings.batchSize,
      optimiser: settings.inner,
      seed: init.places[slot].seed,
      encoding: settings.deltaEncoding,
      callTimeoutMs: init.callTimeoutMs
    }
    answer(res, 200, place)
  }

  const shard = (slot: number) => (req: IncomingMessage, res: ServerResponse): void => {
    if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' })
      res.end(encodeShard(init.places[slot].shard))
      return
    }
    let file = shardFiles.get(slot)
    if (file == null) {
      // float32 samples are mostly zeros: even gzip's fastest level takes them to a fraction
      file = gzipSync(encodeShard(init.places[slot].shard), { level: SHARD_GZIP_LEVEL })
      shardFiles.set(slot, file)
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'cache-control': 'no-store' })
    res.end(file)
  }

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>> = {
    '/config.json': (_req, res) => { answer(res, 200, config) },
    '/claim': claim
  }
  init.places.forEach((_, slot) => { routes[`/shard/${slot}.bin`] = shard(slot) })
  const server = await serveDemo({ port: init.port ?? 0, host: init.host, relayAddrs: init.bootstrap, dir: init.dir, routes })
  return {
    url: `${server.url}/`,
    holders: () => Object.fromEntries([...holders].map(([slot, peerId]) => [placeName(slot), peerId])),
    full,
    close: async () => { await server.close() }
  }
}
