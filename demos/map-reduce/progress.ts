/**
 * A one-line progress bar for a `map` job, redrawn in place on a terminal
 * (a line per tenth of the job when the stream is not one).
 */
import type { MapProgress } from 'meshwork'

const WIDTH = 30

export interface ProgressBar {
  update(progress: MapProgress, workers: number): void
  done(): void
}

export function progressBar (out: NodeJS.WriteStream): ProgressBar {
  let lastTenth = -1
  return {
    update ({ total, done, running, speculated }, workers) {
      const filled = Math.round(WIDTH * done / Math.max(total, 1))
      const line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} chapters, ${running} running on ${workers} workers, ${speculated} backups`
      if (out.isTTY) {
        out.write(`\r${line}\x1b[K`)
        return
      }
      const tenth = Math.floor(10 * done / Math.max(total, 1))
      if (tenth !== lastTenth) {
        lastTenth = tenth
        out.write(`${line}\n`)
      }
    },
    done () {
      if (out.isTTY) {
        out.write('\n')
      }
    }
  }
}
