/**
 * Clean shutdown of long-running commands on SIGINT and SIGTERM: the
 * cleanup runs once, a second signal exits at once.
 */
export function onShutdown (cleanup: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(130)
    }
    stopping = true
    const timer = setTimeout(() => { process.exit(1) }, 10_000)
    timer.unref()
    cleanup().then(() => {
      process.exit(0)
    }, (err) => {
      process.stderr.write(`error while stopping after ${signal}: ${err?.message ?? err}\n`)
      process.exit(1)
    })
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
