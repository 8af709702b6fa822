/**
 * Resident memory of child processes, sampled from /proc while a run goes
 * on (Linux).
 */
import { readFileSync } from 'node:fs'

/** Resident set size of `pid` in MiB, or undefined once it is gone. */
export function rssMiB (pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmRSS:\s+(\d+) kB/.exec(status)
    return match == null ? undefined : Number(match[1]) / 1024
  } catch {
    return undefined
  }
}

export interface MemoryWatch {
  /** Samples per pid, in order */
  samples: Map<number, number[]>
  stop(): void
}

export function watchMemory (pids: () => number[], everyMs = 250): MemoryWatch {
  const samples = new Map<number, number[]>()
  const timer = setInterval(() => {
    for (const pid of pids()) {
      const rss = rssMiB(pid)
      if (rss != null) {
        samples.set(pid, [...(samples.get(pid) ?? []), rss])
      }
    }
  }, everyMs)
  return { samples, stop: () => { clearInterval(timer) } }
}
