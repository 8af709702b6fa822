/**
 * HTTP/1.1 with keep-alive (node:http on both sides): POST /echo returns
 * the body; GET /gen?n=N streams tokens as server-sent events (what LLM
 * APIs do); fan-out is one request to each worker's server.
 */
import { Agent, createServer, request } from 'node:http'
import { tokens } from '../lib/payload.ts'
import type { BenchClient, BenchServer, BenchSystem, ConnectOptions, ServeOptions } from './types.ts'
import type { IncomingMessage, Server } from 'node:http'

const MAX_BODY_BYTES = 1024 * 1024
const TIMEOUT_MS = 10_000

async function readBody (req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw new Error('body too large')
    }
    chunks.push(chunk)
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
}

async function serve (options: ServeOptions): Promise<BenchServer> {
  const words = tokens()
  const servers: Server[] = []
  const ports: number[] = []
  for (let w = 0; w < options.workers; w++) {
    const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      if (req.method === 'POST' && req.url === '/echo') {
        readBody(req).then(body => {
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
          res.end(body)
        }, () => { res.writeHead(413).end() })
        return
      }
      if (req.method === 'GET' && req.url?.startsWith('/gen?n=') === true) {
        const count = Math.min(Number(req.url.slice(7)), words.length)
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        for (let i = 0; i < count; i++) {
          res.write(`data: ${JSON.stringify(words[i])}\n\n`)
        }
        res.end('data: [DONE]\n\n')
        return
      }
      res.writeHead(404).end()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    ports.push(typeof address === 'object' && address != null ? address.port : 0)
    servers.push(server)
  }
  return {
    info: { ports },
    close: async () => {
      for (const server of servers) {
        server.closeAllConnections()
        server.close()
      }
    }
  }
}

async function connectClient (info: Record<string, unknown>, options: ConnectOptions): Promise<BenchClient> {
  const ports = info.ports as number[]
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight })

  const post = async (port: number, payload: Uint8Array): Promise<Uint8Array> => new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/echo', agent, timeout: TIMEOUT_MS,
      headers: { 'content-type': 'application/octet-stream', 'content-length': payload.byteLength }
    }, (res) => {
      readBody(res).then(resolve, reject)
    })
    req.on('error', reject)
    req.end(payload)
  })

  return {
    call: async (payload) => post(ports[0], payload),
    stream: async (count, onChunk) => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ports[0], method: 'GET', path: `/gen?n=${count}`, agent, timeout: TIMEOUT_MS }, (res) => {
        let buffered = ''
        res.setEncoding('utf8')
        res.on('data', (text: string) => {
          buffered += text
          let end: number
          while ((end = buffered.indexOf('\n\n')) !== -1) {
            const event = buffered.slice(0, end)
            buffered = buffered.slice(end + 2)
            if (event.startsWith('data: ') && event !== 'data: [DONE]') {
              onChunk(JSON.parse(event.slice(6)))
            }
          }
        })
        res.on('end', () => { resolve() })
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end()
    }),
    fanout: async (payload) => (await Promise.all(ports.map(async port => post(port, payload)))).length,
    close: async () => { agent.destroy() }
  }
}

export const http: BenchSystem = { serve, connect: connectClient }
