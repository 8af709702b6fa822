/**
 * CPU time and resident memory of another process, from /proc (Linux):
 * how the bench charges the relay's share of a multi-process mesh.
 */
import { readFileSync } from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** User + system CPU milliseconds the process has used so far. */
export function cpuMsOf (pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // fields after the parenthesised command name, which may contain spaces
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) / TICKS_PER_SECOND) * 1000
}

/** Resident set size in bytes. */
export function rssOf (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmRSS:\s+(\d+) kB/.exec(status)
  return match != null ? Number(match[1]) * 1024 : 0
}
