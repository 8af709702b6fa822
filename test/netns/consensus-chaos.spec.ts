/**
 * A consensus group under real faults: 5 `meshwork worker --group`
 * processes, each in its own network namespace with its data dir, and 3
 * client processes doing put, get and cas, while a seeded schedule SIGKILLs
 * and SIGSTOPs the leader, cuts it off with a client, drops 5% of packets,
 * restarts members from their data dirs and kills every member at once.
 * Afterwards one more client reads every key.
 *
 * - the merged history is linearizable (writes of unknown outcome may or
 *   may not have taken effect);
 * - no acknowledged write is lost: every key's final revision is at least
 *   that of every write acknowledged on it.
 *
 * Each schedule's seed is printed; `CHAOS_SEED=N` replays one. CI runs one
 * schedule with every fault once; `CHAOS_FULL=1` runs several of random draws.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { killAll, spawnPeer } from '../chaos/proc.ts'
import { FULL, size } from '../chaos/profile.ts'
import { checkKv } from '../helpers/linearizability/index.ts'
import { startMembers } from '../helpers/group-members.ts'
import { runFault, schedule, scheduleMs } from './group-faults.ts'
import { createLab, labUnavailable } from './lab.ts'
import type { PeerProcess } from '../chaos/proc.ts'
import type { KvOperation } from '../helpers/linearizability/index.ts'
import type { GroupMembers } from '../helpers/group-members.ts'
import type { Lab } from './lab.ts'

const unavailable = labUnavailable()
if (unavailable != null) {
  console.warn(`skipping network namespace tests: ${unavailable}`)
}

const CLIENT_SCRIPT = fileURLToPath(new URL('./kv-client.ts', import.meta.url))
const ARTIFACTS_DIR = fileURLToPath(new URL('../../test-artifacts/', import.meta.url))
const MEMBERS = 5
const CLIENTS = 3
const LOOPS_PER_CLIENT = 2
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
const MEMBER_PORT = 4100
const OP_TIMEOUT_MS = 2_000
/** Clients run this long before the first fault and after the last */
const LEAD_IN_MS = size(2_000, 3_000)
const SCHEDULES = size(1, 5)
const FIRST_SEED = process.env.CHAOS_SEED != null ? Number(process.env.CHAOS_SEED) : Date.now() % 1_000_000
const FAULTS = { each: !FULL, count: 12, forMs: size<[number, number]>([1_500, 2_500], [1_500, 6_000]), thenMs: size<[number, number]>([1_000, 1_500], [1_000, 4_000]) }
const START_TIMEOUT_MS = 120_000
const FINAL_READ_TIMEOUT_MS = 60_000
/** Checker steps per key: bounded, so a history too tangled to decide is an `unknown` answer, never a hang */
const CHECK_MAX_STEPS = 2_000_000

/** Acknowledged writes whose revision is above the final revision of their key (they were lost). */
function lostWrites (history: KvOperation[], final: KvOperation[]): KvOperation[] {
  const finalRevision = new Map<string, number>()
  for (const op of final) {
    const out = op.output as { revision: number } | undefined
    finalRevision.set(op.input.key, out?.revision ?? 0)
  }
  return history.filter(op => {
    if (op.returnAt == null || op.input.op === 'get') return false
    const out = op.output as { revision: number, ok?: boolean }
    const tookEffect = op.input.op === 'put' || out.ok === true
    return tookEffect && out.revision > (finalRevision.get(op.input.key) ?? 0)
  })
}

describe.skipIf(unavailable != null)('consensus group: 5 member processes under kills, pauses, partitions and loss', () => {
  const cleanup: Array<() => Promise<void> | void> = []

  afterAll(async () => {
    for (const step of cleanup.reverse()) {
      try { await step() } catch {}
    }
  })

  for (let s = 0; s < SCHEDULES; s++) {
    const seed = FIRST_SEED + s
    const faults = schedule(seed, FAULTS)
    const runMs = LEAD_IN_MS * 2 + scheduleMs(faults)
    /** Restarts take seconds each on top of the schedule; clients stop when told, at the latest after this */
    const clientMaxMs = runMs + faults.length * START_TIMEOUT_MS

    it(`schedule seed ${seed}: ${faults.map(f => f.kind).join(', ')}`, async () => {
      console.log(`consensus chaos: schedule seed ${seed} (replay with CHAOS_SEED=${seed})`)
      const memberNames = Array.from({ length: MEMBERS }, (_, k) => `m${k}`)
      const clientNames = Array.from({ length: CLIENTS + 1 }, (_, k) => `c${k}`)
      const lab: Lab = createLab([...memberNames, ...clientNames])
      const dir = mkdtempSync(join(tmpdir(), 'meshwork-group-chaos-'))
      let group: GroupMembers | undefined
      const clients: PeerProcess[] = []
      cleanup.push(() => { lab.destroy() }, () => { rmSync(dir, { recursive: true, force: true }) }, async () => { await group?.stop() }, async () => { await killAll(clients) })
      try {
        group = await startMembers({
          group: 'chaos',
          dir,
          members: memberNames.map(name => ({ host: lab.peer(name).host, port: MEMBER_PORT, netns: lab.peer(name).netns }))
        })
        const ids = group.ids
        const clientArgs = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
          bootstrap: group!.addrs, host: lab.peer(name).host, group: 'chaos', keys: KEYS, opTimeoutMs: OP_TIMEOUT_MS, name, ...extra
        })
        for (let c = 0; c < CLIENTS; c++) {
          clients.push(await spawnPeer(CLIENT_SCRIPT, clientArgs(clientNames[c], { loops: LOOPS_PER_CLIENT, seed: seed * 10 + c, durationMs: clientMaxMs }), {
            netns: lab.peer(clientNames[c]).netns, timeoutMs: START_TIMEOUT_MS
          }))
        }
        let leader: { index: number, at: number } | undefined
        for (const client of clients) {
          client.on(ev => {
            if (ev.ev === 'leader' && (leader == null || ev.at > leader.at) && ids.includes(ev.leader)) leader = { index: ids.indexOf(ev.leader), at: ev.at }
          })
        }
        await new Promise(resolve => setTimeout(resolve, LEAD_IN_MS))
        for (const fault of faults) {
          await runFault(fault, { lab, group, memberNames, clientNames, leader: () => leader?.index, log: line => { console.log(`  seed ${seed}: ${line}`) } })
        }
        lab.heal()
        await new Promise(resolve => setTimeout(resolve, LEAD_IN_MS))
        const log = (line: string): void => { console.log(`  seed ${seed}: ${line}`) }
        log('faults over; stopping the clients')
        for (const c of clients) c.signal('SIGUSR2')
        const codes = await Promise.all(clients.map(async c => c.exited))
        clients.forEach((c, k) => {
          if (c.events.find(e => e.ev === 'history') == null) log(`client ${clientNames[k]} exited (${String(codes[k])}) without its history: ${c.stderr().slice(-2000)}`)
        })
        log(`clients stopped (${clients.map(c => c.events.find(e => e.ev === 'history')?.operations.length ?? 0).join(', ')} operations); final reads`)
        const finalReader = await spawnPeer(CLIENT_SCRIPT, clientArgs(clientNames[CLIENTS], { final: true }), {
          netns: lab.peer(clientNames[CLIENTS]).netns, timeoutMs: START_TIMEOUT_MS
        })
        clients.push(finalReader)
        const finalCode = await Promise.race([finalReader.exited, new Promise(resolve => setTimeout(resolve, FINAL_READ_TIMEOUT_MS, 'timeout'))])
        if (finalCode !== 0) {
          log(`final reads did not finish; members: ${group.members.map(m => `m${m.index} ${m.alive ? 'up' : 'down'}: ${m.stderr().slice(-500)}`).join('\n')}`)
        }
        expect(finalCode, `final reads: ${finalReader.stderr()}`).toBe(0)

        const historyOf = (p: PeerProcess): KvOperation[] => p.events.find(e => e.ev === 'history')?.operations ?? []
        const history = clients.slice(0, CLIENTS).flatMap(historyOf)
        const final = historyOf(finalReader)
        const all = [...history, ...final]
        const acked = history.filter(op => op.returnAt != null && op.input.op !== 'get').length
        const unknown = history.filter(op => op.returnAt == null).length
        const result = checkKv(all, { maxSteps: CHECK_MAX_STEPS })
        const lost = lostWrites(history, final)
        console.log(`  seed ${seed}: ${all.length} operations (${acked} writes acknowledged, ${unknown} of unknown outcome), ` +
          `${final.length} final reads: ${result.result} in ${result.steps} steps; acknowledged writes lost: ${lost.length}`)
        if (result.result === 'illegal') {
          // the whole history goes to a file: the part printed is only its start
          const artifact = join(ARTIFACTS_DIR, `consensus-chaos-${seed}.json`)
          mkdirSync(ARTIFACTS_DIR, { recursive: true })
          writeFileSync(artifact, JSON.stringify({ seed, result, operations: all }))
          console.log(`  seed ${seed}: no linearization of key ${result.partition} (the whole history in ${artifact}): ` +
            JSON.stringify('operations' in result ? { longestPrefix: result.longestPrefix, start: result.operations.slice(0, 50) } : result))
        }
        expect(final.length).toBe(KEYS.length)
        expect(acked).toBeGreaterThan(0)
        expect(lost).toEqual([])
        expect(result.result).toBe('ok')
      } finally {
        await killAll(clients)
        await group?.stop()
        lab.destroy()
        rmSync(dir, { recursive: true, force: true })
      }
    }, clientMaxMs + START_TIMEOUT_MS * 2 + FINAL_READ_TIMEOUT_MS)
  }
})
