import { defineConfig } from 'vitest/config'

// Tests share two cores with the peers they start: run files one at a time
// so timing-sensitive liveness checks are not starved by a neighbour.
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default']
  }
})
