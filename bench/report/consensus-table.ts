/**
 * The consensus case as a Markdown table: meshwork's group beside etcd.
 */
const n = (v: unknown, digits = 1): string => typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–'

const writesAt = (side: any, clients: number): any => side?.writes?.find((w: any) => w.clients === clients)

function timing (system: string, side: any): string {
  const s = side?.settings ?? {}
  if (s.electionTimeoutMs != null) {
    return `${system}: heartbeat ${n(s.heartbeatMs)} ms, election timeout ${n(s.electionTimeoutMs)} ms${s.electionTimeoutMaxMs != null ? `–${n(s.electionTimeoutMaxMs)} ms` : ''}`
  }
  return `${system}: ${JSON.stringify(s)}`
}

export function consensusTable (c: any): string {
  const sides: Array<[string, any]> = [['etcd 3.4 (etcd3 gRPC client)', c.etcd], ['meshwork group', c.meshwork]]
  const row = (label: string, get: (side: any) => string): string => `| ${label} | ${sides.map(([, side]) => side?.error != null ? '**failed**' : get(side)).join(' | ')} |`
  const lines = [
    `| ${c.members ?? 3} members, loopback, ${n(c.valueBytes)} B values | ${sides.map(([name]) => name).join(' | ')} |`,
    '|---|---|---|',
    row('writes/s, 1 client', s => n(writesAt(s, 1)?.perSecond)),
    row('writes/s, 64 clients', s => n(writesAt(s, 64)?.perSecond)),
    row('write p50 / p99, 1 client (ms)', s => `${n(writesAt(s, 1)?.latency?.p50Ms, 2)} / ${n(writesAt(s, 1)?.latency?.p99Ms, 2)}`),
    row('write p50 / p99, 64 clients (ms)', s => `${n(writesAt(s, 64)?.latency?.p50Ms, 2)} / ${n(writesAt(s, 64)?.latency?.p99Ms, 2)}`),
    row('linearizable reads/s, 64 clients', s => n(s?.reads?.perSecond)),
    row('failover after SIGKILL of the leader, p50 / p99 (ms)', s => `${n(s?.failover?.p50Ms, 0)} / ${n(s?.failover?.p99Ms, 0)} (${n(s?.failover?.count, 0)} runs)`)
  ]
  const errors = sides.filter(([, s]) => s?.error != null).map(([name, s]) => `${name} failed: ${String(s.error).split('\n')[0]}`)
  return [
    lines.join('\n'),
    '',
    `Timing: ${timing('etcd', c.etcd)}; ${timing('meshwork', c.meshwork)}. Failover is timed from the SIGKILL until a put called after it is acknowledged ` +
      `(bench/cases/consensus.ts).${errors.length > 0 ? `\n\n${errors.join('\n')}` : ''}`
  ].join('\n')
}
