/**
 * The training tab: it joins the run's mesh through the bootstrap peer in
 * /config.json, claims a trainer's place (/claim), loads that place's shard
 * of MNIST training samples, and trains round after round like a Node
 * trainer: the parameters come from the coordinator over the mesh, the
 * inner steps run in a Web Worker, the delta goes back as a report.
 * `window.meshwork.node` is the tab's mesh node.
 */
import { createMeshNode } from 'meshwork/browser'
import { MNIST_SHAPE, paramCount } from '../../../src/compute/mlp.ts'
import { roundClient, runRoundTrainer } from '../../../src/compute/round-mesh.ts'
import { decodeShard } from '../shard-file.ts'
import { workerTrainer } from './worker-trainer.ts'
import type { TabAssignment, TabConfig } from './tab-config.ts'
import type { WorkerTrainer } from './worker-trainer.ts'

/** Lines kept in the event log. */
const MAX_EVENTS = 40
/** Where this tab keeps its place across reloads (sessionStorage is per tab). */
const SLOT_KEY = 'meshwork-training-slot'
const DIGITS = 10

const $ = (testId: string): HTMLElement => {
  const el = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)
  if (el == null) throw new Error(`the page lacks [data-testid="${testId}"]`)
  return el
}

function logEvent (text: string): void {
  const events = $('events')
  const li = document.createElement('li')
  li.textContent = `${new Date().toLocaleTimeString()}  ${text}`
  events.prepend(li)
  while (events.children.length > MAX_EVENTS) events.lastElementChild?.remove()
}

function setStatus (text: string, state: string): void {
  const status = $('status')
  status.textContent = text
  status.dataset.state = state
}

async function fetchJson<T> (path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', ...init })
  const body = await res.json().catch(() => undefined)
  if (!res.ok) throw new Error(`${path}: ${body?.error ?? `HTTP ${res.status}`}`)
  return body as T
}

async function claim (peerId: string): Promise<TabAssignment> {
  const kept = sessionStorage.getItem(SLOT_KEY)
  const place = await fetchJson<TabAssignment>('./claim', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ peerId, slot: kept == null ? undefined : Number(kept) })
  })
  sessionStorage.setItem(SLOT_KEY, String(place.slot))
  return place
}

async function main (): Promise<void> {
  const config = await fetchJson<TabConfig>('./config.json')
  setStatus('joining', 'joining')
  const node = await createMeshNode({ bootstrap: config.bootstrap, allowPrivateAddresses: true, iceServers: [] })
  ;(globalThis as any).meshwork = { node }
  $('peer-id').textContent = node.peerId
  $('peer-id').dataset.peer = node.peerId
  logEvent(`on the mesh as ${node.peerId}`)

  const place = await claim(node.peerId)
  $('trainer').textContent = place.name
  const res = await fetch(place.shard)
  if (!res.ok) throw new Error(`${place.shard}: HTTP ${res.status}`)
  const shard = decodeShard(new Uint8Array(await res.arrayBuffer()), { inputSize: MNIST_SHAPE.layers[0].in, classes: DIGITS })
  $('shard').textContent = `${shard.labels.length} training digits`
  logEvent(`${place.name}: loaded ${shard.labels.length} training digits`)

  const trainer: WorkerTrainer = await workerTrainer(new Worker(new URL('./trainer-worker.ts', import.meta.url), { type: 'module' }), {
    shape: MNIST_SHAPE,
    shard,
    innerSteps: place.innerSteps,
    batchSize: place.batchSize,
    optimiser: place.optimiser,
    seed: place.seed
  })
  setStatus('training', 'training')
  const client = roundClient(node, config.run, () => undefined, { size: paramCount(MNIST_SHAPE), timeoutMs: place.callTimeoutMs })
  let trained = 0
  const final = await runRoundTrainer({
    client,
    trainer,
    name: place.name,
    encoding: place.encoding,
    onParams: (header) => { $('version').textContent = String(header.version) },
    onReport: (round, answer) => {
      if (answer.accepted) {
        trained++
        $('rounds-trained').textContent = String(trained)
        $('rounds-trained').dataset.count = String(trained)
      }
      logEvent(`round ${round + 1}: ${answer.accepted ? 'delta accepted' : `delta not counted (${answer.reason ?? 'no reason'})`}`)
    }
  })
  trainer.terminate()
  setStatus(`done: the run ended at version ${final.header.version}`, 'done')
  logEvent(`the run is over after ${final.header.round} rounds; this tab trained ${trained}`)
}

main().catch((err: Error) => {
  setStatus(`error: ${err.message}`, 'error')
  logEvent(`${err.name}: ${err.message}`)
})
