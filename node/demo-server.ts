/**
 * Serves the browser demo and tells it where the relay is (`/config.json`).
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve } from 'node:path'
import { packageRoot } from './package-root.ts'
import type { AddressInfo } from 'node:net'

const DEMO_DIR = join(packageRoot(import.meta.url), 'dist/demo')

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm'
}

export interface DemoServerInit {
  port: number
  host?: string
  relayAddrs: string[]
  /** Folder of the built demo; default dist/demo */
  dir?: string
  /** Answers of their own by path, taken before `/config.json` and the built files */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>
}

export interface DemoServer {
  url: string
  close(): Promise<void>
}

export async function serveDemo (init: DemoServerInit): Promise<DemoServer> {
  const dir = resolve(init.dir ?? DEMO_DIR)
  const config = JSON.stringify({ relayAddrs: init.relayAddrs })
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0])
    const route = init.routes != null && Object.hasOwn(init.routes, path) ? init.routes[path] : undefined
    if (route != null) {
      Promise.resolve(route(req, res)).catch(() => { res.destroy() })
      return
    }
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' })
      res.end(config)
      return
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end(existsSync(dir) ? 'not found' : 'the demo is not built: run `npm run build`')
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  const host = init.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port, host, () => { resolve() })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}
