/**
 * Keeps one core busy for `ms` milliseconds, then exits: the load a
 * shared or overcommitted machine puts on a peer.
 *
 * Usage: node cpu-hog.ts 60000
 */
const until = Date.now() + Number(process.argv[2] ?? 10_000)
let x = 0
while (Date.now() < until) {
  for (let i = 0; i < 100_000; i++) {
    x = (x * 31 + i) | 0
  }
}
process.exit(x === 0.5 ? 1 : 0)
