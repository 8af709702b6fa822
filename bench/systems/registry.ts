/**
 * The systems compared, by the names results use, each loaded only when a
 * run asks for it.
 */
import type { BenchSystem } from './types.ts'

/** The systems compared, as named in results. */
export const SYSTEMS = {
  meshwork: async () => (await import('./meshwork.ts')).meshwork,
  'libp2p-pooled': async () => (await import('./libp2p.ts')).libp2pPooled,
  'libp2p-stream': async () => (await import('./libp2p.ts')).libp2pPerStream,
  nats: async () => (await import('./nats.ts')).nats,
  redis: async () => (await import('./redis.ts')).redis,
  http: async () => (await import('./http.ts')).http
} satisfies Record<string, () => Promise<BenchSystem>>

export type SystemName = keyof typeof SYSTEMS

export async function loadSystem (name: string): Promise<BenchSystem> {
  const load = (SYSTEMS as Record<string, () => Promise<BenchSystem>>)[name]
  if (load == null) {
    throw new Error(`unknown system "${name}"`)
  }
  return load()
}
