/**
 * meshwork as a user gets it: the checkout packed, the tarball installed
 * into a fresh project that runs Node 22 (the `node@22` package), used
 * through the installed CLI and API, type-checked by the consumer's own
 * tsc, and bundled for a browser by esbuild and by Vite. The installed
 * command line exports traces when OTEL_EXPORTER_OTLP_ENDPOINT says where.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOtlpReceiver } from '../helpers/otlp.ts'
import { createConsumerProject } from './project.ts'
import type { ConsumerProject } from './project.ts'

/** Packages that only work in Node: none may reach a browser bundle */
const NODE_ONLY = ['@libp2p/tcp', '@libp2p/mdns', '@libp2p/pnet', 'datastore-level', 'classic-level', 'level', 'node-datachannel', 'multicast-dns']

describe('the packed package in a consumer project on Node 22', () => {
  let project: ConsumerProject

  beforeAll(async () => {
    project = await createConsumerProject()
  }, 300_000)

  afterAll(async () => {
    await project?.destroy()
  }, 120_000)

  it('holds the build, the README and the LICENSE, and no test, bench or TypeScript source files', () => {
    const files = project.tarball
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE',
      'dist/node/index.js', 'dist/node/index.d.ts', 'dist/node/index.js.map', 'dist/node/cli/bin.js',
      'dist/browser/index.js', 'dist/browser/index.d.ts', 'dist/src/index.js', 'dist/src/index.d.ts',
      'dist/src/wire/generated/frames.js', 'dist/src/wire/generated/frames.d.ts', 'dist/demo/index.html'
    ]))
    expect(files.filter(f => /(^|\/)(test|tests|bench|demos)\/|\.spec\.|\.bench\./.test(f))).toEqual([])
    expect(files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([])
  })

  it('runs on Node 22: the installed `meshwork relay`, a worker and a requester on the installed API', async () => {
    const node = await project.run('node', ['--version'])
    expect(node.stdout.trim()).toMatch(/^v22\./)
    // the bin's `#!/usr/bin/env node` finds the project's Node 22 on the PATH
    const relay = await project.start(join(project.dir, 'node_modules/.bin/meshwork'), ['relay', '--port', '0'], /^peer \S+$/)
    const addr = relay.lines.find(l => l.startsWith('/') && !l.includes('/ws'))!
    await project.start('node', ['worker.js', addr], /^peer \S+$/)
    const out = await project.run('node', ['requester.js', addr], 60_000)
    expect(out.stderr).toBe('')
    expect(out.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^HELLO from node 22\.\d+\.\d+$/), 'TimeoutError'])
  })

  it('exports the traces of the installed CLI\'s peers when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const receiver = await startOtlpReceiver()
    try {
      const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' }
      const bin = join(project.dir, 'node_modules/.bin/meshwork')
      const relay = await project.start(bin, ['relay', '--port', '0'], /^peer \S+$/, undefined, otel)
      const addr = relay.lines.find(l => l.startsWith('/') && !l.includes('/ws'))!
      const worker = await project.start(bin, ['worker', '--bootstrap', addr, '--service', 'echo', '--handler', 'echo'], /^peer \S+$/, undefined, otel)
      const workerId = worker.lines.find(l => l.startsWith('peer '))!.slice('peer '.length)
      const out = await project.run(bin, ['request', '--bootstrap', addr, 'echo', '{"traced":true}'], 60_000, otel)
      expect(JSON.parse(out.stdout)).toEqual({ traced: true })
      await receiver.waitFor('the worker\'s task span', () => receiver.spans.some(s => s.name === 'task echo' && s.instance === workerId), 15_000)
      const call = receiver.spans.find(s => s.name === 'call echo')
      expect(call?.traceId).toBe(receiver.spans.find(s => s.name === 'task echo')?.traceId)
    } finally {
      await receiver.close()
    }
  })

  it('type-checks a consumer with tsc --strict and nodenext; a wrong call stays an error', async () => {
    // beside consumer.ts, the same file without its @ts-expect-error: the one error
    // tsc reports must be that call there (with `any` types there would be none,
    // and consumer.ts would fail on an unused directive)
    const source = readFileSync(join(project.dir, 'consumer.ts'), 'utf8')
    writeFileSync(join(project.dir, 'unchecked.ts'), source.replace(/^\/\/ @ts-expect-error.*$/m, ''))
    const out = await project.run(join(project.dir, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], 150_000)
    expect(out.stderr).toBe('')
    expect(out.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^unchecked\.ts\(\d+,\d+\): error TS2345/)])
  }, 180_000)

  it('bundles meshwork/browser with esbuild for the browser, with no Node-only dependency', async () => {
    const out = await project.run(join(project.dir, 'node_modules/.bin/esbuild'), [
      'browser.js', '--bundle', '--platform=browser', '--format=esm', '--outfile=out/esbuild.js', '--metafile=out/meta.json', '--log-level=warning'
    ])
    expect(out.stderr).toBe('')
    expect(out.code).toBe(0)
    const inputs = Object.keys(JSON.parse(readFileSync(join(project.dir, 'out/meta.json'), 'utf8')).inputs)
    const packages = new Set(inputs.map(i => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1]))
    expect(packages).toContain('meshwork')
    expect(NODE_ONLY.filter(p => packages.has(p))).toEqual([])
    expect(inputs.filter(i => i.includes('node_modules/meshwork/dist/node/'))).toEqual([])
  })

  it('bundles meshwork/browser with Vite', async () => {
    const out = await project.run(join(project.dir, 'node_modules/.bin/vite'), ['build', '--outDir', 'out/vite'], 120_000)
    expect(out.code).toBe(0)
    expect(out.stdout + out.stderr).not.toMatch(/externalized for browser compatibility|error/i)
    const assets = readdirSync(join(project.dir, 'out/vite/assets'))
    expect(assets.filter(f => f.endsWith('.js')).length).toBeGreaterThan(0)
  })
})
