/**
 * A spamming peer, as a child process: at `rate` messages a second for
 * `durationMs`, a mix of invalid messages — unsigned garbage on a service
 * topic and on the presence topic (nine in ten; unsigned costs the spammer
 * nothing and a StrictSign mesh must reject it), and garbage bytes on fresh
 * task channels to `target` (one in ten). Pause it with SIGSTOP, resume
 * with SIGCONT: it does not catch up on what it missed. Prints `peer <id>`, then one stats line a second.
 *
 * Usage: node spammer.ts '{"bootstrap":["/ip4/…"],"target":"12D3…","rate":1000,"durationMs":10000}'
 */
import { PRESENCE_TOPIC, SERVICE_TOPIC_PREFIX } from '../../src/constants.ts'
import { hostilePeer } from './hostile.ts'

const args = JSON.parse(process.argv[2])
const evil = await hostilePeer({ bootstrap: args.bootstrap, gossip: { globalSignaturePolicy: 'StrictNoSign' } })
const topic = `${SERVICE_TOPIC_PREFIX}${args.service ?? 'echo'}`
evil.pubsub.subscribe(topic)
await new Promise(resolve => setTimeout(resolve, 1_000))
console.log(`peer ${evil.peerId}`)

const stats = { sent: 0, gossip: 0, frames: 0, resets: 0, failed: 0 }
const garbage = (): Uint8Array => crypto.getRandomValues(new Uint8Array(64 + Math.floor(Math.random() * 512)))
const until = Date.now() + args.durationMs
const tickMs = 10
const perTick = Math.max(1, Math.round(args.rate * tickMs / 1000))
const report = setInterval(() => { process.stdout.write(`${JSON.stringify({ ev: 'spam', ...stats })}\n`) }, 1_000)

while (Date.now() < until) {
  const started = Date.now()
  for (let i = 0; i < perTick; i++) {
    stats.sent++
    const kind = stats.sent % 10
    if (kind === 0) {
      // garbage bytes on a task channel: the worker resets it
      stats.frames++
      evil.channel(args.target).then(channel => {
        channel.sendBytes(garbage())
        void channel.closed.then(() => { stats.resets++ })
      }, () => { stats.failed++ })
    } else {
      stats.gossip++
      evil.pubsub.publish(kind % 2 === 1 ? PRESENCE_TOPIC : topic, garbage()).catch(() => { stats.failed++ })
    }
  }
  await new Promise(resolve => setTimeout(resolve, Math.max(0, tickMs - (Date.now() - started))))
}
clearInterval(report)
process.stdout.write(`${JSON.stringify({ ev: 'spam', ...stats, done: true })}\n`)
await evil.stop()
process.exit(0)
