/**
 * `node bench/linearizability.ts`: how fast the linearizability checker
 * checks generated key-value histories (linearizable ones, and the same
 * with one read made stale), in operations checked per second.
 */
import { checkKv } from '../test/helpers/linearizability/index.ts'
import { corruptOneRead, linearizableHistory } from '../test/helpers/linearizability/generate.ts'

const cases: Array<{ operations: number, keys: number, overlap: number, unknownShare: number, bounded?: boolean }> = [
  { operations: 5_000, keys: 10, overlap: 8, unknownShare: 0.02 },
  { operations: 20_000, keys: 10, overlap: 8, unknownShare: 0.02 },
  { operations: 2_000, keys: 1, overlap: 12, unknownShare: 0 },
  { operations: 2_000, keys: 1, overlap: 5, unknownShare: 0.02 },
  // the same, told that an operation of unknown outcome took effect within its interval or never
  { operations: 2_000, keys: 1, overlap: 5, unknownShare: 0.02, bounded: true },
  { operations: 20_000, keys: 10, overlap: 8, unknownShare: 0.02, bounded: true }
]
const SEEDS = 5

for (const c of cases) {
  for (const corrupt of [false, true]) {
    let ops = 0
    let ms = 0
    let steps = 0
    const results = new Set<string>()
    for (let seed = 1; seed <= SEEDS; seed++) {
      const clean = linearizableHistory({ ...c, seed })
      const history = corrupt ? corruptOneRead(clean, seed) : clean
      if (history == null) continue
      const start = performance.now()
      // the generator's writes take effect within overlap * 10 of their call
      const result = checkKv(history, c.bounded === true ? { unknownEffectWithin: c.overlap * 10 + 1 } : {})
      ms += performance.now() - start
      ops += history.length
      steps += result.steps
      results.add(result.result)
    }
    console.log(`${c.operations} ops, ${c.keys} keys, overlap ±${c.overlap}, ${c.unknownShare * 100}% unknown${c.bounded === true ? ' (bounded)' : ''}${corrupt ? ', one stale read' : ''}: ` +
      `${Math.round(ops / (ms / 1000)).toLocaleString('en')} ops/s, ${Math.round(steps / SEEDS)} steps per history, ${[...results].join('/')}`)
  }
}
