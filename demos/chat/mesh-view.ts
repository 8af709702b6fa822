/**
 * The live mesh view: peers as circles laid out by d3-force, this tab's
 * links as lines (solid green for direct WebRTC, dashed for relayed, grey
 * for WebSocket/TCP), liveness as rings, load as a bar, and tasks as dots
 * travelling from the peer that asked to the peer that runs them and back.
 */
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation } from 'd3-force'
import type { MeshSnapshot, ViewLink, ViewPeer } from './mesh-state.ts'
import type { SimulationLinkDatum, SimulationNodeDatum } from 'd3-force'

const SVG_NS = 'http://www.w3.org/2000/svg'
const WIDTH = 640
const HEIGHT = 420
const RADIUS = 16
/** Dots in flight at most; older ones are dropped. */
const MAX_FLOWS = 96
const FLOW_MS = 600

interface SimNode extends SimulationNodeDatum {
  id: string
  peer: ViewPeer
  el: SVGGElement
}

interface SimLink extends SimulationLinkDatum<SimNode> {
  key: string
  kind: ViewLink['kind']
  el: SVGLineElement
}

interface Flow {
  from: string
  to: string
  startedAt: number
  className: string
  el: SVGCircleElement
}

export interface MeshView {
  /** Redraws peers and links from a fresh snapshot. */
  update(snapshot: MeshSnapshot): void
  /** A dot travelling from one peer to another (a task, a token, a move). */
  flow(from: string, to: string, className: 'task' | 'token' | 'failover'): void
  stop(): void
}

const ROLE_LABEL: Record<ViewPeer['role'], string> = { self: 'me', browser: 'tab', node: 'node', relay: 'relay' }

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap> (name: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, name)
  for (const [k, v] of Object.entries(attrs)) {
    el.setAttribute(k, String(v))
  }
  return el
}

/** A peer id as people read it: the last characters, which differ between peers. */
export function shortId (id: string): string {
  return id.length > 8 ? `…${id.slice(-6)}` : id
}

function peerLabel (peer: ViewPeer): string {
  return peer.role === 'self' ? 'this tab' : shortId(peer.id)
}

export function meshView (root: SVGSVGElement): MeshView {
  root.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
  const linkLayer = root.appendChild(svg('g', { class: 'links' }))
  const flowLayer = root.appendChild(svg('g', { class: 'flows' }))
  const nodeLayer = root.appendChild(svg('g', { class: 'nodes' }))
  const nodes = new Map<string, SimNode>()
  const links = new Map<string, SimLink>()
  const flows: Flow[] = []
  let frame = 0

  const linkForce = forceLink<SimNode, SimLink>([]).id(d => d.id).distance(l => l.kind === 'via-relay' ? 90 : 140)
  const simulation = forceSimulation<SimNode>([])
    .force('charge', forceManyBody().strength(-260))
    .force('center', forceCenter(WIDTH / 2, HEIGHT / 2))
    .force('collide', forceCollide(RADIUS * 2.2))
    .force('link', linkForce)
    .on('tick', draw)

  function draw (): void {
    for (const node of nodes.values()) {
      node.x = Math.min(Math.max(node.x ?? 0, RADIUS + 4), WIDTH - RADIUS - 4)
      node.y = Math.min(Math.max(node.y ?? 0, RADIUS + 4), HEIGHT - RADIUS - 18)
      node.el.setAttribute('transform', `translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`)
    }
    for (const link of links.values()) {
      const s = link.source as SimNode
      const t = link.target as SimNode
      link.el.setAttribute('x1', (s.x ?? 0).toFixed(1))
      link.el.setAttribute('y1', (s.y ?? 0).toFixed(1))
      link.el.setAttribute('x2', (t.x ?? 0).toFixed(1))
      link.el.setAttribute('y2', (t.y ?? 0).toFixed(1))
    }
  }

  function peerElement (peer: ViewPeer): SVGGElement {
    const g = svg('g')
    g.appendChild(svg('circle', { class: 'halo', r: RADIUS + 5 }))
    g.appendChild(svg('circle', { class: 'body', r: RADIUS }))
    g.appendChild(svg('rect', { class: 'load-bg', x: -RADIUS, y: RADIUS + 4, width: RADIUS * 2, height: 4 }))
    g.appendChild(svg('rect', { class: 'load', x: -RADIUS, y: RADIUS + 4, width: 0, height: 4 }))
    const label = g.appendChild(svg('text', { class: 'label', y: RADIUS + 18, 'text-anchor': 'middle' }))
    label.textContent = peerLabel(peer)
    g.appendChild(svg('text', { class: 'role', y: 4, 'text-anchor': 'middle' }))
    g.appendChild(svg('title'))
    return g
  }

  function paintPeer (node: SimNode): void {
    const { peer, el } = node
    el.setAttribute('class', `peer ${peer.role} ${peer.state}${peer.load > 0 ? ' busy' : ''}`)
    el.dataset.peer = peer.id
    el.dataset.state = peer.state
    el.dataset.role = peer.role
    // the role can arrive after the peer is first drawn (a link before its announcement)
    const role = el.querySelector('text.role')
    if (role != null) {
      role.textContent = ROLE_LABEL[peer.role]
    }
    const fill = peer.capacity > 0 ? Math.min(peer.load / peer.capacity, 1) : 0
    el.querySelector('rect.load')?.setAttribute('width', (fill * RADIUS * 2).toFixed(1))
    const title = el.querySelector('title')
    if (title != null) {
      const load = peer.capacity > 0 ? `, load ${peer.load}/${peer.capacity}` : ''
      title.textContent = `${peer.id}\n${peer.role}, ${peer.state}${load}${peer.link != null ? `, ${peer.link}` : ''}`
    }
  }

  function update (snapshot: MeshSnapshot): void {
    let changed = false
    const seen = new Set<string>()
    for (const peer of snapshot.peers) {
      seen.add(peer.id)
      let node = nodes.get(peer.id)
      if (node == null) {
        const angle = Math.random() * Math.PI * 2
        node = {
          id: peer.id,
          peer,
          el: nodeLayer.appendChild(peerElement(peer)),
          x: WIDTH / 2 + Math.cos(angle) * 120,
          y: HEIGHT / 2 + Math.sin(angle) * 120
        }
        if (peer.role === 'self') {
          // this tab is the point of view: pin it in the middle
          node.fx = WIDTH / 2
          node.fy = HEIGHT / 2
        }
        nodes.set(peer.id, node)
        changed = true
      }
      node.peer = peer
      paintPeer(node)
    }
    for (const [id, node] of nodes) {
      if (!seen.has(id)) {
        node.el.remove()
        nodes.delete(id)
        changed = true
      }
    }
    const keep = new Set<string>()
    for (const l of snapshot.links) {
      if (!nodes.has(l.source) || !nodes.has(l.target)) {
        continue
      }
      const key = `${l.source}|${l.target}`
      keep.add(key)
      let link = links.get(key)
      if (link == null) {
        link = { key, kind: l.kind, source: l.source, target: l.target, el: linkLayer.appendChild(svg('line')) }
        links.set(key, link)
        changed = true
      }
      if (link.kind !== l.kind) {
        link.kind = l.kind
        changed = true
      }
      // a link to a peer the mesh holds dead is on its way out: drawn faded
      link.el.setAttribute('class', `link ${l.kind} ${nodes.get(l.target)?.peer.state ?? ''}`)
      link.el.dataset.kind = l.kind
      link.el.dataset.source = l.source
      link.el.dataset.target = l.target
    }
    for (const [key, link] of links) {
      if (!keep.has(key)) {
        link.el.remove()
        links.delete(key)
        changed = true
      }
    }
    if (changed) {
      simulation.nodes([...nodes.values()])
      linkForce.links([...links.values()])
      simulation.alpha(0.6).restart()
    }
    draw()
  }

  function animate (now: number): void {
    frame = 0
    for (let i = flows.length - 1; i >= 0; i--) {
      const f = flows[i]
      const a = nodes.get(f.from)
      const b = nodes.get(f.to)
      const t = (now - f.startedAt) / FLOW_MS
      if (a == null || b == null || t >= 1) {
        f.el.remove()
        flows.splice(i, 1)
        continue
      }
      f.el.setAttribute('cx', ((a.x ?? 0) + ((b.x ?? 0) - (a.x ?? 0)) * t).toFixed(1))
      f.el.setAttribute('cy', ((a.y ?? 0) + ((b.y ?? 0) - (a.y ?? 0)) * t).toFixed(1))
    }
    if (flows.length > 0) {
      frame = requestAnimationFrame(animate)
    }
  }

  function flow (from: string, to: string, className: 'task' | 'token' | 'failover'): void {
    if (!nodes.has(from) || !nodes.has(to)) {
      return
    }
    if (flows.length >= MAX_FLOWS) {
      flows.shift()?.el.remove()
    }
    const el = flowLayer.appendChild(svg('circle', { class: `flow ${className}`, r: className === 'token' ? 3 : 6 }))
    flows.push({ from, to, startedAt: performance.now(), className, el })
    if (frame === 0) {
      frame = requestAnimationFrame(animate)
    }
  }

  return {
    update,
    flow,
    stop: () => {
      simulation.stop()
      cancelAnimationFrame(frame)
    }
  }
}
