/**
 * Balancers choose which live worker runs a task.
 *
 * - `round-robin`: each worker in turn (per service).
 * - `least-loaded`: fewest tasks in flight for its capacity, counting this
 *   node's own outstanding tasks and the load the worker last reported.
 * - `random`: uniformly at random.
 * - `p2c-ewma` (default): two workers at random, keep the one with the lower
 *   latency average times its tasks in flight (power of two choices).
 */
import { InvalidArgumentError } from '../errors.ts'
import type { Balancer, BalancerName, Candidate } from '../types.ts'

/** The built-in balancers, by name. */
export const BALANCER_NAMES: readonly BalancerName[] = ['round-robin', 'least-loaded', 'random', 'p2c-ewma']

const byPeerId = (a: Candidate, b: Candidate): number => a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0

/** Each worker in turn, per service, in a stable order of peer ids. */
export function roundRobin (): Balancer {
  const next = new Map<string, number>()
  return {
    name: 'round-robin',
    pick (candidates, service) {
      const i = next.get(service) ?? 0
      next.set(service, (i + 1) % 1_000_000_007)
      // a stable order, so "in turn" holds while workers come and go
      const sorted = candidates.length > 1 ? [...candidates].sort(byPeerId) : candidates
      return sorted[i % sorted.length]
    }
  }
}

/** Tasks in flight per slot, counting the larger of ours and the reported load. */
function busyness (c: Candidate): number {
  return (Math.max(c.outstanding, c.load) + 1) / Math.max(c.capacity, 1)
}

/** The worker with the fewest tasks in flight per slot (ties: the first). */
export function leastLoaded (): Balancer {
  return {
    name: 'least-loaded',
    pick (candidates) {
      let best = candidates[0]
      let bestScore = busyness(best)
      let ties = 1
      for (let i = 1; i < candidates.length; i++) {
        const score = busyness(candidates[i])
        if (score < bestScore) {
          best = candidates[i]
          bestScore = score
          ties = 1
        } else if (score === bestScore && Math.random() * ++ties < 1) {
          // reservoir sampling keeps ties fair without a second pass
          best = candidates[i]
        }
      }
      return best
    }
  }
}

/** A worker uniformly at random. */
export function random (): Balancer {
  return {
    name: 'random',
    pick (candidates) {
      return candidates[Math.floor(Math.random() * candidates.length)]
    }
  }
}

function ewmaCost (c: Candidate, fallbackLatency: number): number {
  return (c.latencyMs ?? fallbackLatency) * (c.outstanding + 1)
}

/**
 * Power of two choices: two workers at random, keeping the one whose
 * latency average times its tasks in flight is lower. The default.
 */
export function p2cEwma (): Balancer {
  return {
    name: 'p2c-ewma',
    pick (candidates) {
      if (candidates.length === 1) {
        return candidates[0]
      }
      const i = Math.floor(Math.random() * candidates.length)
      let j = Math.floor(Math.random() * (candidates.length - 1))
      if (j >= i) {
        j++
      }
      const a = candidates[i]
      const b = candidates[j]
      // an unmeasured worker looks as fast as the faster measured one, so it gets tried
      const fallback = Math.min(a.latencyMs ?? Infinity, b.latencyMs ?? Infinity)
      const known = Number.isFinite(fallback) ? fallback : 1
      return ewmaCost(a, known) <= ewmaCost(b, known) ? a : b
    }
  }
}

/**
 * Resolves a balancer name (or passes a custom balancer through). Throws
 * InvalidArgumentError on an unknown name.
 *
 * @example
 * ```ts
 * const balancer = createBalancer('least-loaded')
 * await node.request('echo', 'hi', { balancer })
 * ```
 */
export function createBalancer (balancer: BalancerName | Balancer): Balancer {
  if (typeof balancer !== 'string') {
    return balancer
  }
  switch (balancer) {
    case 'round-robin': return roundRobin()
    case 'least-loaded': return leastLoaded()
    case 'random': return random()
    case 'p2c-ewma': return p2cEwma()
    default: throw new InvalidArgumentError(`unknown balancer "${String(balancer)}"; use one of ${BALANCER_NAMES.join(', ')}`)
  }
}
