/**
 * `meshwork request --bootstrap ADDR SERVICE INPUT [--stream] [--timeout MS]`:
 * one call into the mesh. The reply (or each streamed chunk) goes to stdout,
 * errors to stderr with a non-zero exit.
 */
import { createMeshNode } from '../../index.ts'
import { loadIdentity } from '../../identity.ts'
import { bootstrapAddrs, format, integer, MDNS_USAGE, parse, parseInput, UsageError } from '../args.ts'
import type { BalancerName } from '../../../src/types.ts'

export const usage = `meshwork request --bootstrap ADDR SERVICE INPUT [--stream] [--timeout MS]
  INPUT           JSON (or any other text, sent as a string)
  --stream        print chunks as they arrive
  --peer ID       send to this worker when it is alive and serves SERVICE
  --timeout MS    give up after MS milliseconds (default 30000)
  --balancer B    round-robin | least-loaded | random | p2c-ewma
  --broadcast     dispatch by broadcast claim instead of a known worker
  --token T       a capability token for a protected service (see meshwork token)
  --key FILE      this peer's identity (see meshwork key)
${MDNS_USAGE}`

export async function run (argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    stream: { type: 'boolean' },
    peer: { type: 'string' },
    timeout: { type: 'string' },
    balancer: { type: 'string' },
    broadcast: { type: 'boolean' },
    token: { type: 'string' },
    key: { type: 'string' },
    mdns: { type: 'boolean' }
  }, true)
  if (values.help === true) {
    console.log(usage)
    return
  }
  const [service, input] = positionals
  if (service == null || positionals.length > 2) {
    throw new UsageError('request takes SERVICE and an optional INPUT')
  }
  const timeoutMs = integer(values.timeout, 'timeout', 30_000, 1)
  const node = await createMeshNode({
    bootstrap: bootstrapAddrs(values.bootstrap, values.mdns === true),
    discovery: { mdns: values.mdns === true },
    webrtc: false,
    privateKey: values.key != null ? await loadIdentity(values.key) : undefined
  })
  const deadline = Date.now() + timeoutMs
  const options = {
    token: values.token != null ? Buffer.from(values.token, 'base64') : undefined,
    timeoutMs,
    balancer: values.balancer as BalancerName | undefined,
    mode: values.broadcast === true ? 'broadcast' as const : 'direct' as const,
    preferPeer: values.peer as string | undefined
  }
  try {
    if (values.mdns === true) {
      // peers answer mDNS within moments: wait for one serving SERVICE instead of failing at once
      await node.waitForWorkers(service, 1, { timeoutMs })
      options.timeoutMs = Math.max(1, deadline - Date.now())
    }
    if (values.stream === true) {
      let last: unknown
      for await (const chunk of node.stream(service, parseInput(input), options)) {
        process.stdout.write(typeof chunk === 'string' ? chunk : `${format(chunk)}\n`)
        last = chunk
      }
      if (typeof last === 'string') {
        process.stdout.write('\n')
      }
    } else {
      const reply = await node.request(service, parseInput(input), options)
      process.stdout.write(`${format(reply)}\n`)
    }
  } finally {
    await node.stop()
  }
}
