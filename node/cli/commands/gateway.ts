/**
 * `meshwork gateway --bootstrap ADDR [--port N]`: an OpenAI-compatible HTTP
 * API into the mesh. Prints `peer <id>`, then `gateway <url>` once it
 * listens. The bearer token, if any, comes from $MESHWORK_GATEWAY_TOKEN (or
 * --token), so it stays out of the process list.
 */
import { createMeshNode } from '../../index.ts'
import {
  DEFAULT_COMPLETION_TIMEOUT_MS, DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EMBEDDING_INPUTS,
  DEFAULT_STALL_TIMEOUT_MS
} from '../../gateway/constants.ts'
import { createGateway } from '../../gateway/index.ts'
import { bootstrapAddrs, integer, MDNS_USAGE, parse } from '../args.ts'
import { onShutdown } from '../lifecycle.ts'
import { exposeMetrics, METRICS_OPTION, METRICS_USAGE, metricsInit, metricsPort } from '../metrics-option.ts'

export const usage = `meshwork gateway --bootstrap ADDR [--port N] [options]
  --bootstrap ADDR     a relay or peer to join through (repeatable)
  --port N             HTTP port (default ${DEFAULT_GATEWAY_PORT}; 0 picks a free one)
  --host H             interface for HTTP (default ${DEFAULT_GATEWAY_HOST})
  --token T            require "Authorization: Bearer T" (default $MESHWORK_GATEWAY_TOKEN; none if unset)
  --timeout MS         deadline of one completion (default ${DEFAULT_COMPLETION_TIMEOUT_MS})
  --stall-timeout MS   no token for this long moves the answer to another worker (default ${DEFAULT_STALL_TIMEOUT_MS})
  --max-body-bytes N   largest request body (default ${DEFAULT_MAX_BODY_BYTES})
  --max-embedding-inputs N  texts one embeddings request may hold (default ${DEFAULT_MAX_EMBEDDING_INPUTS})
  --p2p-port N         TCP port of the mesh peer (default any free port)
  --p2p-host H         interface of the mesh peer (default 127.0.0.1; it dials the workers itself)
${METRICS_USAGE}
${MDNS_USAGE}`

export async function run (argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    timeout: { type: 'string' },
    'stall-timeout': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    'max-embedding-inputs': { type: 'string' },
    'p2p-port': { type: 'string' },
    'p2p-host': { type: 'string' },
    mdns: { type: 'boolean' },
    ...METRICS_OPTION
  })
  if (values.help === true) {
    console.log(usage)
    return
  }
  const port = integer(values.port, 'port', DEFAULT_GATEWAY_PORT)
  const timeoutMs = integer(values.timeout, 'timeout', DEFAULT_COMPLETION_TIMEOUT_MS, 1)
  const stallTimeoutMs = integer(values['stall-timeout'], 'stall-timeout', DEFAULT_STALL_TIMEOUT_MS, 1)
  const maxBodyBytes = integer(values['max-body-bytes'], 'max-body-bytes', DEFAULT_MAX_BODY_BYTES, 1)
  const node = await createMeshNode({
    bootstrap: bootstrapAddrs(values.bootstrap, values.mdns === true),
    discovery: { mdns: values.mdns === true },
    port: integer(values['p2p-port'], 'p2p-port', 0),
    host: values['p2p-host'],
    webrtc: false,
    metrics: metricsInit(values)
  })
  console.log(`peer ${node.peerId}`)
  let gateway
  try {
    gateway = await createGateway({
      node,
      port,
      host: values.host,
      token: values.token ?? process.env.MESHWORK_GATEWAY_TOKEN,
      timeoutMs,
      stallTimeoutMs,
      maxBodyBytes,
      maxEmbeddingInputs: integer(values['max-embedding-inputs'], 'max-embedding-inputs', DEFAULT_MAX_EMBEDDING_INPUTS, 1)
    })
  } catch (err) {
    await node.stop()
    throw err
  }
  console.log(`gateway ${gateway.url}`)
  const { close: closeMetrics } = await exposeMetrics(node, metricsPort(values), values['metrics-host'])
  onShutdown(async () => {
    await closeMetrics()
    await gateway.close()
    await node.stop()
  })
}
