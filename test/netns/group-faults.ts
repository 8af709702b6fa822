/**
 * Seeded fault schedules for a consensus group of member processes in a
 * network lab: what to break, whom, and for how long. The same seed gives
 * the same schedule, so a failing run can be replayed (`CHAOS_SEED=N`).
 * Whom a fault hits is decided when it runs (the leader of the moment).
 */
import { seededRng } from '../../src/consensus/raft/rng.ts'
import type { Lab } from './lab.ts'
import type { GroupMembers } from '../helpers/group-members.ts'

export type FaultKind = 'kill-leader' | 'stop-leader' | 'partition-leader' | 'loss' | 'restart-follower' | 'kill-all'
export const FAULT_KINDS: FaultKind[] = ['kill-leader', 'stop-leader', 'partition-leader', 'loss', 'restart-follower', 'kill-all']

/** Packet loss of the `loss` fault, on every member and client */
export const LOSS_PERCENT = 5

export interface Fault {
  kind: FaultKind
  /** How long the fault lasts before it is undone */
  forMs: number
  /** Quiet time after it is undone */
  thenMs: number
  /** Picks the victim among followers */
  pick: number
}

/** A schedule: every kind once in a seeded order (`each`), or `count` seeded draws. */
export function schedule (seed: number, options: { count?: number, each?: boolean, forMs: [number, number], thenMs: [number, number] }): Fault[] {
  const rng = seededRng(seed)
  const between = ([lo, hi]: [number, number]): number => lo + rng.int(hi - lo + 1)
  let kinds: FaultKind[]
  if (options.each === true) {
    kinds = [...FAULT_KINDS]
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [kinds[i], kinds[j]] = [kinds[j], kinds[i]]
    }
  } else {
    kinds = Array.from({ length: options.count ?? 10 }, () => FAULT_KINDS[rng.int(FAULT_KINDS.length)])
  }
  return kinds.map(kind => ({ kind, forMs: between(options.forMs), thenMs: between(options.thenMs), pick: rng.int(1_000) }))
}

export const scheduleMs = (faults: Fault[]): number => faults.reduce((t, f) => t + f.forMs + f.thenMs, 0)

export interface FaultTarget {
  lab: Lab
  group: GroupMembers
  /** Lab names of the members, by index, and of the clients */
  memberNames: string[]
  clientNames: string[]
  /** Index of the member the clients last saw as leader, if any */
  leader(): number | undefined
  log(line: string): void
}

const sleep = async (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Runs one fault to its end (undone, the members that died started again), then waits its quiet time. */
export async function runFault (fault: Fault, t: FaultTarget): Promise<void> {
  const members = t.group.members
  const leader = t.leader() ?? fault.pick % members.length
  const follower = ((leader + 1 + (fault.pick % (members.length - 1))) % members.length)
  t.log(`${fault.kind} (leader m${leader}${fault.kind === 'restart-follower' ? `, follower m${follower}` : ''}) for ${fault.forMs} ms`)
  switch (fault.kind) {
    case 'kill-leader':
      members[leader].signal('SIGKILL')
      await members[leader].exited()
      await sleep(fault.forMs)
      await members[leader].start()
      break
    case 'stop-leader':
      members[leader].signal('SIGSTOP')
      await sleep(fault.forMs)
      members[leader].signal('SIGCONT')
      break
    case 'partition-leader':
      // the old leader keeps one client on its side, which must not see it act alone
      t.lab.partition([t.memberNames[leader], t.clientNames[0]], [...t.memberNames.filter((_, k) => k !== leader), ...t.clientNames.slice(1)])
      await sleep(fault.forMs)
      t.lab.heal()
      break
    case 'loss':
      t.lab.loss([...t.memberNames, ...t.clientNames], LOSS_PERCENT)
      await sleep(fault.forMs)
      t.lab.heal()
      break
    case 'restart-follower':
      members[follower].signal('SIGKILL')
      await members[follower].exited()
      await members[follower].start()
      await sleep(fault.forMs)
      break
    case 'kill-all':
      for (const m of members) m.signal('SIGKILL')
      await Promise.all(members.map(async m => { await m.exited() }))
      await sleep(fault.forMs)
      await Promise.all(members.map(async m => { await m.start() }))
      break
  }
  await sleep(fault.thenMs)
}
