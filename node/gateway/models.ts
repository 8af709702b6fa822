/**
 * `GET /v1/models`: the chat models live in the mesh right now, gathered
 * from the announcements of the workers serving `llm.chat`.
 */
import { LLM_CHAT_SERVICE } from '../../src/models/chat.ts'
import type { MeshNode } from '../../src/types.ts'

/** One entry of the list, in OpenAI's shape plus the number of workers. */
export interface ModelEntry {
  id: string
  object: 'model'
  /** When this gateway first saw the model live (Unix seconds) */
  created: number
  owned_by: string
  /** Live workers announcing the model */
  workers: number
}

/** Lists live models; `firstSeen` keeps each model's `created`, and forgets models gone. */
export function meshModels (node: MeshNode, firstSeen: Map<string, number>): ModelEntry[] {
  const workers = new Map<string, number>()
  for (const peer of node.peers()) {
    if (peer.state !== 'alive' || !peer.services.includes(LLM_CHAT_SERVICE)) {
      continue
    }
    for (const model of peer.models) {
      workers.set(model, (workers.get(model) ?? 0) + 1)
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
    return { id, object: 'model', created: firstSeen.get(id) ?? now, owned_by: 'meshwork', workers: count }
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
