/**
 * One path for "a peer went away". Its sources — a lost connection, a reset
 * task channel, missed keepalives, a requester gone silent, gone reports and
 * the presence sweep — report evidence to the peer table, and one reaction
 * to the table's state changes moves this node's calls off a suspect or dead
 * worker and cancels the tasks it runs for a dead requester. Only a channel
 * that closes is handled apart: just that channel's calls and tasks are
 * affected, the peer may well be reachable on another.
 */
import type { TaskChannel } from '../channel/task-channel.ts'
import type { PeerRecord, PeerTable } from '../presence/peer-table.ts'
import type { PeerState } from '../types.ts'

export interface PeerLossInit {
  table: PeerTable
  /** Moves the calls held by `peer` (only those on `channel`, when given) */
  moveCalls(peer: string, reason: string, channel?: TaskChannel): void
  /** Cancels the tasks this node runs for `peer` (only those that came on `channel`, when given) */
  cancelTasks(peer: string, channel?: TaskChannel): void
  /** A peer nothing depends on lost its connection: check on it quietly */
  checkLater(peer: string): void
  /** Every state change, after the work moved (liveness, events) */
  onState(record: PeerRecord, previous: PeerState | undefined): void
}

export class PeerLoss {
  private readonly init: PeerLossInit

  constructor (init: PeerLossInit) {
    this.init = init
  }

  /**
   * A lost connection makes a peer holding our tasks suspect at once (its
   * tasks move). Any other peer may just have been hung up on: it is probed
   * quietly, and declared dead only if it plainly cannot be reached. Tasks
   * run for it have nobody to answer to.
   */
  disconnected (peer: string): void {
    if (this.dependsOn(peer) || this.init.table.get(peer) == null) {
      this.suspect(peer, 'disconnected')
    } else {
      this.init.checkLater(peer)
    }
    this.init.cancelTasks(peer)
  }

  /**
   * A task channel closed. A reset (not a clean close) makes a peer holding
   * our tasks suspect at once; either way the calls on that channel move, and
   * an inbound channel's requester no longer hears its tasks (nor does the
   * requester of tasks that came on an outbound one).
   */
  channelClosed (channel: TaskChannel, err?: Error): void {
    const peer = channel.remotePeer
    if (err != null && this.dependsOn(peer)) {
      this.suspect(peer, 'stream reset')
    }
    this.init.moveCalls(peer, err != null ? 'stream reset' : 'channel closed', channel)
    if (channel.direction === 'inbound') {
      this.init.cancelTasks(peer)
    } else {
      // a requester may grant a claimed task on the channel its worker offered on
      this.init.cancelTasks(peer, channel)
    }
  }

  /** A worker holding our tasks missed its keepalives. */
  silent (peer: string): void {
    this.suspect(peer, 'silent')
  }

  /** A requester of tasks this node runs has been silent too long. */
  requesterSilent (peer: string): void {
    this.init.cancelTasks(peer)
  }

  /** The reaction to the table's state changes (its `onState`). */
  onState (record: PeerRecord, previous: PeerState | undefined): void {
    const { peerId, state } = record
    if (state === 'suspect' || state === 'dead') {
      this.init.moveCalls(peerId, state)
    }
    if (state === 'dead' && previous !== 'dead') {
      this.init.cancelTasks(peerId)
    }
    this.init.onState(record, previous)
  }

  /**
   * Evidence against `peer`: the table makes it suspect (and the reaction
   * moves its calls). A peer outside the table (learned from a pinned call)
   * still loses its calls.
   */
  private suspect (peer: string, reason: string): void {
    if (this.init.table.get(peer) == null) {
      this.init.moveCalls(peer, reason)
    } else {
      this.init.table.suspect(peer)
    }
  }

  /** Whether this node has tasks in flight on `peer`. */
  private dependsOn (peer: string): boolean {
    return (this.init.table.get(peer)?.outstanding ?? 0) > 0
  }
}
