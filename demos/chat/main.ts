/**
 * The chat demo: this tab joins the mesh through the relay named in
 * /config.json, can serve `demo-llm` from a Web Worker, sends prompts, and
 * draws the mesh as it sees it. `window.meshwork.node` is the tab's mesh
 * node, for poking at from the console.
 */
import { createMeshNode, indexedDbJournal, linkKind } from 'meshwork/browser'
import { chat } from './chat.ts'
import { snapshot } from './mesh-state.ts'
import { meshView, shortId } from './mesh-view.ts'
import { tabModel } from './tab-model.ts'
import { TaskTimeline } from './timeline-state.ts'
import { timelineView } from './timeline-view.ts'
import type { MeshSnapshot } from './mesh-state.ts'
import type { TabModel } from './tab-model.ts'
import type { MeshNode, TaskEvent, TaskStream } from 'meshwork/browser'

/** How often the peer table and the view are refreshed. */
const REFRESH_MS = 500
/** Lines kept in the event log. */
const MAX_EVENTS = 40
/** Tasks this tab runs at once when serving. */
const SERVE_CONCURRENCY = 4
/** Where this tab keeps its id across reloads, so it finds its own journal again. */
const TAB_ID_KEY = 'meshwork-chat-tab'

/**
 * This tab's task journal in IndexedDB. Tabs of one browser share
 * IndexedDB, so each tab has its own database, named after an id kept in
 * sessionStorage (which is per tab and survives a reload).
 */
async function tabJournal (): Promise<Awaited<ReturnType<typeof indexedDbJournal>>> {
  let id = sessionStorage.getItem(TAB_ID_KEY)
  if (id == null) {
    id = crypto.randomUUID()
    sessionStorage.setItem(TAB_ID_KEY, id)
  }
  return indexedDbJournal(`meshwork-chat-${id}`)
}

interface DemoConfig {
  relayAddrs: string[]
  /** Dial loopback and LAN addresses (a mesh on one machine). Default true */
  allowPrivateAddresses?: boolean
  /** ICE servers for WebRTC. Default none: the demo's peers share a machine or LAN */
  iceServers?: RTCIceServer[]
  /** Pace of the tab's model. Default 20 ms a token */
  tokenDelayMs?: number
}

const $ = <T extends Element>(testId: string): T => {
  const el = document.querySelector<T>(`[data-testid="${testId}"]`)
  if (el == null) {
    throw new Error(`the page lacks [data-testid="${testId}"]`)
  }
  return el
}

const status = $<HTMLElement>('status')
const events = $<HTMLOListElement>('events')

function logEvent (text: string): void {
  const li = document.createElement('li')
  li.textContent = `${new Date().toLocaleTimeString()}  ${text}`
  events.prepend(li)
  while (events.children.length > MAX_EVENTS) {
    events.lastElementChild?.remove()
  }
}

function setStatus (text: string, state: string): void {
  status.textContent = text
  status.dataset.state = state
}

async function loadConfig (): Promise<DemoConfig> {
  const res = await fetch('./config.json', { cache: 'no-store' })
  if (!res.ok) {
    throw new Error(`config.json: HTTP ${res.status}`)
  }
  const config = await res.json() as DemoConfig
  if (!Array.isArray(config.relayAddrs)) {
    throw new Error('config.json has no relayAddrs')
  }
  return config
}

function renderPeers (node: MeshNode, snap: MeshSnapshot, timeline: TaskTimeline): void {
  const body = $<HTMLTableElement>('peer-table').tBodies[0]
  const rows = snap.peers.filter(p => p.role !== 'self').map(p => {
    const tr = document.createElement('tr')
    tr.dataset.testid = 'peer-row'
    tr.dataset.peer = p.id
    tr.dataset.role = p.role
    tr.dataset.state = p.state
    tr.dataset.link = p.link ?? 'none'
    tr.className = p.state
    const { tasksPerSecond, tokensPerSecond } = timeline.throughput(p.id)
    const cells = [
      shortId(p.id),
      p.role === 'browser' ? 'tab' : p.role,
      p.state,
      p.link ?? '–',
      p.capacity > 0 ? `${p.load}/${p.capacity}` : '–',
      p.rttMs != null ? `${p.rttMs.toFixed(1)} ms` : '–',
      tasksPerSecond > 0 || tokensPerSecond > 0 ? `${tokensPerSecond.toFixed(0)} tok/s, ${tasksPerSecond.toFixed(1)} tasks/s` : '–',
      p.services.join(', ') || '–'
    ]
    for (const text of cells) {
      tr.appendChild(document.createElement('td')).textContent = text
    }
    tr.title = p.id
    return tr
  })
  body.replaceChildren(...rows)
  $('peer-count').textContent = String(snap.peers.filter(p => p.role !== 'self' && p.state === 'alive').length)

  // the worker picker lists live workers of demo-llm, keeping the choice while it lives
  const target = $<HTMLSelectElement>('target')
  const workers = node.peers().filter(p => p.state === 'alive' && p.services.includes('demo-llm'))
  const wanted = ['', ...workers.map(w => w.peerId)]
  const have = [...target.options].map(o => o.value)
  if (wanted.join() !== have.join()) {
    const chosen = target.value
    target.replaceChildren(...wanted.map(id => {
      const option = document.createElement('option')
      option.value = id
      const role = workers.find(w => w.peerId === id)?.role
      option.textContent = id === '' ? 'any (balancer picks)' : `${shortId(id)} (${role === 'browser' ? 'tab' : role})`
      return option
    }))
    target.value = wanted.includes(chosen) ? chosen : ''
  }
}

async function main (): Promise<void> {
  const config = await loadConfig()
  // a browser reaches relays over WebSockets only
  const bootstrap = config.relayAddrs.filter(a => a.includes('/ws'))
  setStatus('joining', 'joining')
  const node = await createMeshNode({
    bootstrap,
    allowPrivateAddresses: config.allowPrivateAddresses ?? true,
    iceServers: config.iceServers ?? [],
    // a prompt in flight when the tab reloads is asked again after the reload
    journal: await tabJournal()
  })
  ;(globalThis as any).meshwork = { node }
  $('peer-id').textContent = shortId(node.peerId)
  $<HTMLElement>('peer-id').title = node.peerId
  $<HTMLElement>('peer-id').dataset.peer = node.peerId
  setStatus('joined', 'joined')
  logEvent(`joined as ${node.peerId}`)

  let firstWebRtc = false
  node.libp2p.addEventListener('connection:open', (evt) => {
    const kind = linkKind(evt.detail)
    if (kind === 'webrtc' && !firstWebRtc) {
      firstWebRtc = true
      const ms = Math.round(performance.now())
      const el = $<HTMLElement>('first-webrtc-ms')
      el.textContent = `${ms} ms`
      el.dataset.ms = String(ms)
    }
    logEvent(`link to ${shortId(evt.detail.remotePeer.toString())} opened (${kind})`)
  })
  node.libp2p.addEventListener('connection:close', (evt) => {
    logEvent(`link to ${shortId(evt.detail.remotePeer.toString())} closed (${linkKind(evt.detail)})`)
  })
  for (const state of ['alive', 'suspect', 'dead'] as const) {
    node.addEventListener(`peer:${state}`, (evt) => { logEvent(`${shortId(evt.detail.peerId)} is ${state}`) })
  }

  const view = meshView($<SVGSVGElement>('mesh-view'))
  const timeline = new TaskTimeline()
  const lanes = timelineView($<SVGSVGElement>('timeline'), timeline, node.peerId)
  const deadSince = new Map<string, number>()
  const refresh = (): void => {
    const snap = snapshot(node, deadSince)
    view.update(snap)
    renderPeers(node, snap, timeline)
    lanes.draw()
  }
  refresh()
  setInterval(refresh, REFRESH_MS)

  // tasks moving: requests out and tokens back, work arriving here, moves
  node.addEventListener('task:dispatch', (evt: CustomEvent<TaskEvent>) => {
    const { taskId, service, peerId, attempt } = evt.detail
    view.flow(node.peerId, peerId, 'task')
    timeline.dispatched(taskId, service, peerId, attempt)
    lanes.draw()
  })
  node.addEventListener('task:failover', (evt: CustomEvent<TaskEvent>) => {
    if (evt.detail.from != null) {
      view.flow(evt.detail.from, evt.detail.peerId, 'failover')
      timeline.moved(evt.detail.taskId, evt.detail.from, evt.detail.peerId, evt.detail.reason)
      lanes.draw()
    }
  })
  node.addEventListener('task:done', (evt: CustomEvent<TaskEvent & { ok: boolean }>) => {
    timeline.done(evt.detail.taskId, evt.detail.ok)
    lanes.draw()
  })
  node.addEventListener('work:start', (evt: CustomEvent<TaskEvent>) => {
    view.flow(evt.detail.peerId, node.peerId, 'task')
    timeline.workStarted(evt.detail.taskId, evt.detail.service, node.peerId, evt.detail.attempt)
    logEvent(`running ${evt.detail.service} for ${shortId(evt.detail.peerId)} (attempt ${evt.detail.attempt})`)
  })
  const served = $<HTMLElement>('served-count')
  node.addEventListener('work:end', (evt: CustomEvent<TaskEvent & { ok: boolean }>) => {
    timeline.workEnded(evt.detail.taskId, evt.detail.ok)
    if (evt.detail.ok) {
      served.textContent = String(Number(served.textContent) + 1)
    }
    logEvent(`${evt.detail.ok ? 'finished' : 'stopped'} ${evt.detail.service} for ${shortId(evt.detail.peerId)}`)
  })

  const chatPanel = chat(node, {
    form: $('prompt-form'),
    prompt: $('prompt'),
    maxTokens: $('max-tokens'),
    target: $('target'),
    send: $('send'),
    stop: $('stop'),
    output: $('output'),
    answeredBy: $('answered-by')
  }, {
    onToken: (worker) => {
      view.flow(worker, node.peerId, 'token')
      timeline.token(worker)
    },
    onEvent: logEvent
  })

  // answers this tab was waiting for when it was reloaded run again; the latest is shown
  const recovered = (await node.recover()).filter(task => task.stream != null)
  for (const task of recovered.slice(0, -1)) {
    task.stream?.cancel()
  }
  const last = recovered.at(-1)
  if (last?.stream != null) {
    logEvent(`asking again what this tab asked before it reloaded (${last.service})`)
    chatPanel.resume(String((last.input as { prompt?: unknown })?.prompt ?? ''), last.stream as TaskStream<string>)
  }

  let model: TabModel | undefined
  const toggle = $<HTMLInputElement>('serve-toggle')
  const applyServe = (): void => {
    if (toggle.checked && model == null) {
      model = tabModel({ tokenDelayMs: config.tokenDelayMs })
      node.serve('demo-llm', model.handler, { concurrency: SERVE_CONCURRENCY, resume: 'continue' })
      node.serve('echo', async (input: unknown) => input, { concurrency: SERVE_CONCURRENCY })
      logEvent('serving demo-llm and echo')
    } else if (!toggle.checked && model != null) {
      node.unserve('demo-llm')
      node.unserve('echo')
      model.stop()
      model = undefined
      logEvent('stopped serving')
    }
    toggle.closest('.serve')?.classList.toggle('on', toggle.checked)
  }
  toggle.addEventListener('change', applyServe)
  applyServe()

  // no node.stop() when the page goes: stopping would forget the journal's
  // tasks in flight, and closing the page closes its connections anyway
}

main().catch((err: any) => {
  setStatus(`failed: ${err?.message ?? err}`, 'failed')
  logEvent(`could not join: ${err?.name ?? 'Error'}: ${err?.message ?? err}`)
})
