/**
 * A network lab of Linux network namespaces: one namespace per peer, each
 * with an `eth0` joined by a veth pair to a bridge in a hub namespace, on
 * 10.99.0.0/24, with a route for multicast (224.0.0.0/4) on that link so
 * that mDNS works between namespaces and never reaches the host. Faults are
 * nft rules inside a peer's namespace: partitions (drop to and from the
 * other side), random loss (`numgen random`), or silence (drop everything). Root only; `destroy()` removes every
 * namespace (and with it the veths, the bridge and the rules), and so does
 * process exit if a test dies first.
 *
 * @example
 * ```ts
 * const lab = createLab(['relay', 'w1', 'w2', 'req'])
 * lab.partition(['relay', 'req', 'w1'], ['w2'])
 * lab.heal()
 * lab.destroy()
 * ```
 */
import { execFileSync } from 'node:child_process'

/** The lab's private range; namespaces keep it apart from the host and from other labs. */
const SUBNET = '10.99.0'
const TABLE = 'meshwork_chaos'
/** Every namespace of this process's labs starts with this */
const PREFIX = `mwc${process.pid}-`

export interface LabPeer {
  name: string
  /** The namespace to run the peer in */
  netns: string
  /** Its address on the lab's bridge */
  host: string
}

export interface Lab {
  peers: Map<string, LabPeer>
  peer(name: string): LabPeer
  /** Cuts every link between the two groups, both ways */
  partition(a: string[], b: string[]): void
  /** Drops `percent` % of the packets each named peer receives */
  loss(names: string[], percent: number): void
  /** Drops every packet to and from a peer: it goes silent */
  silence(name: string): void
  /** Removes every fault */
  heal(): void
  destroy(): void
}

/** Why network tests cannot run here, or undefined when they can. */
export function labUnavailable (): string | undefined {
  if (process.platform !== 'linux') {
    return 'network namespaces need Linux'
  }
  if (process.getuid?.() !== 0) {
    return 'network namespaces need root'
  }
  for (const tool of ['ip', 'nft']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' })
    } catch {
      return `\`${tool}\` is not installed (apt-get install iproute2 nftables)`
    }
  }
  return undefined
}

function run (args: string[], input?: string): void {
  execFileSync(args[0], args.slice(1), { input, stdio: ['pipe', 'ignore', 'pipe'] })
}

function nft (netns: string, script: string): void {
  run(['ip', 'netns', 'exec', netns, 'nft', '-f', '-'], script)
}

/** Namespaces left by labs of processes that died without cleaning up. */
function removeStale (): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0]
    const match = /^mwc(\d+)-/.exec(name)
    if (match == null) {
      continue
    }
    try {
      process.kill(Number(match[1]), 0)
    } catch {
      try { run(['ip', 'netns', 'del', name]) } catch {}
    }
  }
}

const live = new Set<string>()
let exitHookInstalled = false

function removeAll (names: Iterable<string>): void {
  for (const name of names) {
    try { run(['ip', 'netns', 'del', name]) } catch {}
    live.delete(name)
  }
}

/** Builds the lab: a hub with a bridge, and a namespace per peer name. */
export function createLab (names: string[]): Lab {
  if (names.length > 250) {
    throw new Error('a lab holds at most 250 peers')
  }
  removeStale()
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => { removeAll([...live]) })
  }
  const id = Math.random().toString(36).slice(2, 6)
  const hub = `${PREFIX}${id}-hub`
  const created: string[] = []
  const peers = new Map<string, LabPeer>()
  try {
    run(['ip', 'netns', 'add', hub])
    created.push(hub)
    live.add(hub)
    run(['ip', '-n', hub, 'link', 'add', 'br0', 'type', 'bridge'])
    run(['ip', '-n', hub, 'link', 'set', 'br0', 'up'])
    names.forEach((name, k) => {
      const netns = `${PREFIX}${id}-${k}`
      const host = `${SUBNET}.${k + 1}`
      run(['ip', 'netns', 'add', netns])
      created.push(netns)
      live.add(netns)
      run(['ip', '-n', hub, 'link', 'add', `h${k}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns])
      run(['ip', '-n', hub, 'link', 'set', `h${k}`, 'master', 'br0'])
      run(['ip', '-n', hub, 'link', 'set', `h${k}`, 'up'])
      run(['ip', '-n', netns, 'link', 'set', 'lo', 'up'])
      run(['ip', '-n', netns, 'addr', 'add', `${host}/24`, 'dev', 'eth0'])
      run(['ip', '-n', netns, 'link', 'set', 'eth0', 'up'])
      // multicast (mDNS) goes out on the lab link only: the namespace has no other
      run(['ip', '-n', netns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
      nft(netns, `table inet ${TABLE} {
        chain input { type filter hook input priority 0; policy accept; }
        chain output { type filter hook output priority 0; policy accept; }
      }`)
      peers.set(name, { name, netns, host })
    })
  } catch (err) {
    removeAll(created)
    throw err
  }

  const peer = (name: string): LabPeer => {
    const p = peers.get(name)
    if (p == null) {
      throw new Error(`no peer ${name} in the lab`)
    }
    return p
  }
  const rule = (name: string, chain: 'input' | 'output', match: string): void => {
    nft(peer(name).netns, `add rule inet ${TABLE} ${chain} ${match} drop`)
  }
  const addrs = (group: string[]): string => `{ ${group.map(n => peer(n).host).join(', ')} }`

  return {
    peers,
    peer,
    partition: (a, b) => {
      for (const [side, other] of [[a, b], [b, a]]) {
        for (const name of side) {
          rule(name, 'input', `ip saddr ${addrs(other)}`)
          rule(name, 'output', `ip daddr ${addrs(other)}`)
        }
      }
    },
    loss: (group, percent) => {
      for (const name of group) {
        rule(name, 'input', `numgen random mod 100 < ${Math.round(percent)}`)
      }
    },
    silence: (name) => {
      rule(name, 'input', 'meta nfproto ipv4')
      rule(name, 'output', 'meta nfproto ipv4')
    },
    heal: () => {
      for (const p of peers.values()) {
        nft(p.netns, `flush chain inet ${TABLE} input\nflush chain inet ${TABLE} output`)
      }
    },
    destroy: () => { removeAll(created) }
  }
}
