import { defineConfig } from 'vitest/config'

/**
 * Files of one unit or of simulated time: no peer processes, no liveness
 * timers against the wall clock. They run first, side by side.
 */
const UNITS = [
  'test/unit/**/*.spec.ts',
  'test/consensus/**/*.spec.ts',
  'test/compute/**/*.spec.ts',
  'test/fuzz/decoders.spec.ts',
  'test/gateway/{demo-chat,request,split,sse,sticky}.spec.ts'
]

// The other tests share two cores with the peers they start: they run one
// file at a time, after the units, so timing-sensitive liveness checks are
// not starved by a neighbour.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'units', include: UNITS, maxWorkers: 2, sequence: { groupOrder: 0 } }
      },
      {
        extends: true,
        test: { name: 'peers', include: ['test/**/*.spec.ts'], exclude: UNITS, fileParallelism: false, sequence: { groupOrder: 1 } }
      }
    ]
  }
})
