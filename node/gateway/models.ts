/**
 * `GET /v1/models`: the models live in the mesh right now, gathered from
 * the announcements of the workers serving `llm.chat` and `llm.embed`.
 */
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import { LLM_EMBED_SERVICE } from '../../src/models/embed.ts'
import { isToolsTag, toolsModel } from '../../src/models/tools.ts'
import type { MeshNode, PeerInfo } from '../../src/types.ts'

/** One entry of the list, in OpenAI's shape plus the number of workers. */
export interface ModelEntry {
  id: string
  object: 'model'
  /** When this gateway first saw the model live (Unix seconds) */
  created: number
  owned_by: string
  /** Live workers announcing the model (for chat, embeddings or both) */
  workers: number
  /** Present when some worker's model takes tools */
  tools?: true
}

/** The live workers of `service` announcing `model`. */
export function liveWorkers (node: MeshNode, service: string, model: string): PeerInfo[] {
  return node.peers().filter(p => p.state === 'alive' && p.services.includes(service) && p.models.includes(model))
}

/** Lists live models; `firstSeen` keeps each model's `created`, and forgets models gone. */
export function meshModels (node: MeshNode, firstSeen: Map<string, number>): ModelEntry[] {
  const workers = new Map<string, number>()
  const tools = new Set<string>()
  for (const peer of node.peers()) {
    if (peer.state !== 'alive' || !(peer.services.includes(LLM_CHAT_SERVICE) || peer.services.includes(LLM_EMBED_SERVICE))) {
      continue
    }
    for (const model of peer.models) {
      if (!isToolsTag(model)) {
        workers.set(model, (workers.get(model) ?? 0) + 1)
        if (peer.models.includes(toolsModel(model))) {
          tools.add(model)
        }
      }
    }
  }
  const now = Math.floor(Date.now() / 1000)
  for (const model of firstSeen.keys()) {
    if (!workers.has(model)) {
      firstSeen.delete(model)
    }
  }
  return [...workers].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([id, count]) => {
    if (!firstSeen.has(id)) {
      firstSeen.set(id, now)
    }
    const entry: ModelEntry = { id, object: 'model', created: firstSeen.get(id) ?? now, owned_by: 'meshwork', workers: count }
    if (tools.has(id)) {
      entry.tools = true
    }
    return entry
  })
}

/** Whether `peerId` is a live `llm.chat` worker of `model` with a free slot. */
export function hasRoom (node: MeshNode, peerId: string, model: string): boolean {
  const peer = node.peers().find(p => p.peerId === peerId)
  return peer != null &&
    peer.state === 'alive' &&
    peer.services.includes(LLM_CHAT_SERVICE) &&
    peer.models.includes(model) &&
    peer.load < peer.capacity
}
