/**
 * The browser entry as an application bundles it: no Node-only module in
 * it, and its size within budget.
 */
import { describe, expect, it } from 'vitest'
import { measureBundles } from '../../node/tools/bundle-size.ts'

/** What a page pays for meshwork/browser, libp2p included, at most (gzip). */
const BUDGET_GZIP_BYTES = 256 * 1024

describe('the meshwork/browser bundle', () => {
  it('holds no Node-only code and stays within its size budget', async () => {
    const { browserEntry, libp2pStack } = await measureBundles()
    expect(browserEntry.nodeOnlyModules).toEqual([])
    expect(browserEntry.gzipBytes).toBeLessThan(BUDGET_GZIP_BYTES)
    // meshwork adds to libp2p rather than replacing it
    expect(browserEntry.gzipBytes).toBeGreaterThan(libp2pStack.gzipBytes)
  })
})
