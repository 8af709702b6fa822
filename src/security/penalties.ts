/**
 * Penalties for peers that send what meshwork rejects: messages its
 * validators refuse on topics gossipsub cannot score by name (service and
 * application topics), and bytes on task channels that break the protocol.
 * Fed to gossipsub as its application-specific score, so a peer that keeps
 * sending garbage is graylisted and its messages ignored before they are
 * decoded; past the same line its task streams and connections are refused
 * (see `isGraylisted`) until the penalty decays.
 */
import { createPeerScoreParams, createPeerScoreThresholds, createTopicScoreParams } from '@libp2p/gossipsub/score'
import { PRESENCE_TOPIC } from '../constants.ts'
import type { PeerScoreParams, PeerScoreThresholds } from '@libp2p/gossipsub/score'

/** Score lost per rejected message. */
const PENALTY_PER_INVALID = 50
/** Fraction of a penalty that remains after a minute. */
const DECAY_PER_MINUTE = 0.1
const MAX_TRACKED_PEERS = 10_000
/** Below this score gossipsub ignores a peer, and meshwork refuses its task streams and connections. */
export const GRAYLIST_SCORE = -400

export class PeerPenalties {
  private readonly penalties = new Map<string, { value: number, at: number }>()

  /** Counts a rejected message from `peer`. */
  add (peer: string, now = Date.now()): void {
    const current = this.value(peer, now)
    if (!this.penalties.has(peer) && this.penalties.size >= MAX_TRACKED_PEERS) {
      // forget the oldest entry: its penalty has decayed the most
      this.penalties.delete(this.penalties.keys().next().value as string)
    }
    this.penalties.set(peer, { value: current + PENALTY_PER_INVALID, at: now })
  }

  /** Whether `peer` has earned so many penalties that it is to be ignored. */
  isGraylisted (peer: string, now = Date.now()): boolean {
    return this.score(peer, now) < GRAYLIST_SCORE
  }

  /** The (negative) score gossipsub adds for `peer`. */
  score (peer: string, now = Date.now()): number {
    return -this.value(peer, now)
  }

  private value (peer: string, now: number): number {
    const entry = this.penalties.get(peer)
    if (entry == null) {
      return 0
    }
    return entry.value * DECAY_PER_MINUTE ** ((now - entry.at) / 60_000)
  }
}

/**
 * Gossipsub scoring for meshwork: invalid presence messages cost a lot,
 * rejected claims and events cost through `penalties`, quiet peers cost
 * nothing (presence is slow by design), and peers sharing an IP are not
 * penalised (a machine runs many peers; a NAT hides many tabs).
 */
export function scoring (penalties: PeerPenalties): { scoreParams: Partial<PeerScoreParams>, scoreThresholds: Partial<PeerScoreThresholds> } {
  return {
    scoreParams: createPeerScoreParams({
      IPColocationFactorWeight: 0,
      appSpecificScore: (peer) => penalties.score(peer),
      appSpecificWeight: 1,
      topics: {
        [PRESENCE_TOPIC]: createTopicScoreParams({
          topicWeight: 1,
          timeInMeshWeight: 0,
          firstMessageDeliveriesWeight: 0,
          meshMessageDeliveriesWeight: 0,
          meshFailurePenaltyWeight: 0,
          invalidMessageDeliveriesWeight: -50,
          invalidMessageDeliveriesDecay: 0.9
        })
      }
    }),
    scoreThresholds: createPeerScoreThresholds({
      gossipThreshold: -100,
      publishThreshold: -200,
      graylistThreshold: GRAYLIST_SCORE,
      acceptPXThreshold: 10,
      opportunisticGraftThreshold: 5
    })
  }
}
