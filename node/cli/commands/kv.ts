/**
 * `meshwork kv --bootstrap ADDR --group NAME get|put|del|cas|lock|status ...`:
 * one call to a consensus group, for scripts. Values are JSON (other text is
 * taken as a string). Exit codes: 0 done; 3 the key was absent (get, del) or
 * the cas did not match; 4 a write's outcome is unknown (it may or may not
 * have taken effect); 1 any other error; 2 a usage mistake.
 */
import { bootstrapAddrs, integer, parse, parseInput, UsageError } from '../args.ts'
import type { ConsensusGroup, JsonValue } from '../../../src/consensus/types.ts'

export const usage = `meshwork kv --bootstrap ADDR --group NAME COMMAND [options]
  get KEY                     print the value (exit 3 if absent)
  put KEY VALUE               write VALUE (JSON, or text as a string); print the revision
  del KEY                     delete; print the revision (exit 3 if absent)
  cas KEY REVISION VALUE      write only if KEY's revision is REVISION (0: absent); exit 3 if not
  lock NAME                   wait for the lock, print its fencing token, hold it until
                              SIGINT/SIGTERM or --hold-ms, then release it
  status                      print the leader, term, members and progress
options:
  --bootstrap ADDR            a member or relay to join through (repeatable)
  --group NAME                the consensus group
  --json                      print the whole answer as one JSON line
  --local                     get: answer from the asked member (may be stale)
  --ttl-ms N                  lock: how long the lock outlives this process (default 10000)
  --hold-ms N                 lock: release after N ms instead of waiting for a signal
  --timeout MS                give up after MS milliseconds (default 10000)
  --key FILE                  this peer's identity (see meshwork key)
exit codes: 0 done, 3 absent or cas mismatch, 4 write outcome unknown, 1 other errors, 2 usage`

/** Exit code when a key is absent or a cas did not match. */
export const EXIT_NOT_MATCHED = 3
/** Exit code when a write may or may not have taken effect. */
export const EXIT_OUTCOME_UNKNOWN = 4
const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_LOCK_TTL_MS = 10_000

const ARITY: Record<string, number> = { get: 1, put: 2, del: 1, cas: 3, lock: 1, status: 0 }

interface KvArgs {
  json: boolean
  local: boolean
  timeoutMs: number
  ttlMs: number
  holdMs?: number
}

export async function run (argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    bootstrap: { type: 'string', multiple: true },
    group: { type: 'string' },
    json: { type: 'boolean' },
    local: { type: 'boolean' },
    'ttl-ms': { type: 'string' },
    'hold-ms': { type: 'string' },
    timeout: { type: 'string' },
    key: { type: 'string' }
  }, true)
  if (values.help === true) {
    console.log(usage)
    return
  }
  const [command, ...rest] = positionals
  if (command == null || ARITY[command] == null) {
    throw new UsageError(command == null ? 'kv needs a COMMAND' : `unknown kv command "${command}"`)
  }
  if (rest.length !== ARITY[command]) {
    throw new UsageError(`kv ${command} takes ${ARITY[command]} argument${ARITY[command] === 1 ? '' : 's'}`)
  }
  if (values.group == null || values.group === '') {
    throw new UsageError('kv needs --group NAME')
  }
  if (command === 'cas') {
    integer(rest[1], 'cas REVISION', 0)
  }
  const args: KvArgs = {
    json: values.json === true,
    local: values.local === true,
    timeoutMs: integer(values.timeout, 'timeout', DEFAULT_TIMEOUT_MS, 1),
    ttlMs: integer(values['ttl-ms'], 'ttl-ms', DEFAULT_LOCK_TTL_MS, 1),
    holdMs: values['hold-ms'] != null ? integer(values['hold-ms'], 'hold-ms', 0) : undefined
  }
  // the mesh stack loads only once the call is known to be well formed: usage errors come at once
  const [{ createMeshNode }, { loadIdentity }] = await Promise.all([import('../../index.ts'), import('../../identity.ts')])
  const node = await createMeshNode({
    bootstrap: bootstrapAddrs(values.bootstrap),
    webrtc: false,
    privateKey: values.key != null ? await loadIdentity(values.key) : undefined
  })
  try {
    const group = await node.consensus(values.group, { timeoutMs: args.timeoutMs })
    process.exitCode = await call(group, command, rest, args)
  } catch (err: any) {
    if (err?.name === 'OutcomeUnknownError') {
      process.stderr.write(`meshwork: ${err.name}: ${err.message}\n`)
      process.exitCode = EXIT_OUTCOME_UNKNOWN
      return
    }
    throw err
  } finally {
    await node.stop()
  }
}

const print = (value: unknown): void => { process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`) }

/** Runs one command; resolves with the exit code. */
async function call (group: ConsensusGroup, command: string, rest: string[], args: KvArgs): Promise<number> {
  const options = { timeoutMs: args.timeoutMs }
  switch (command) {
    case 'get': {
      const kv = await group.get(rest[0], { ...options, consistency: args.local ? 'local' : 'linearizable' })
      if (kv == null) {
        if (args.json) print(null)
        return EXIT_NOT_MATCHED
      }
      print(args.json ? kv : JSON.stringify(kv.value))
      return 0
    }
    case 'put': {
      const result = await group.put(rest[0], parseInput(rest[1]) as JsonValue, options)
      print(args.json ? result : String(result.revision))
      return 0
    }
    case 'del': {
      const result = await group.delete(rest[0], options)
      print(args.json ? result : String(result.revision))
      return result.deleted ? 0 : EXIT_NOT_MATCHED
    }
    case 'cas': {
      const result = await group.cas(rest[0], Number(rest[1]), parseInput(rest[2]) as JsonValue, options)
      print(args.json ? result : String(result.revision))
      return result.ok ? 0 : EXIT_NOT_MATCHED
    }
    case 'lock': return holdLock(group, rest[0], args)
    default: {
      const status = await group.status(options)
      print(args.json
        ? status
        : [`leader ${status.leader ?? '-'}`, `term ${status.term}`, `members ${status.members.join(',')}`,
            `commit ${status.commitIndex}`, `applied ${status.appliedIndex}`].join('\n'))
      return 0
    }
  }
}

/** Takes the lock, prints its token, holds it until a signal or `holdMs`, and releases it. */
async function holdLock (group: ConsensusGroup, name: string, args: KvArgs): Promise<number> {
  const lock = await group.lock(name, { ttlMs: args.ttlMs, timeoutMs: args.timeoutMs })
  print(args.json ? { name: lock.name, token: lock.token } : `token ${lock.token}`)
  await new Promise<void>(resolve => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      clearTimeout(timer)
      resolve()
    }
    const timer = args.holdMs != null ? setTimeout(done, args.holdMs) : undefined
    process.once('SIGINT', done)
    process.once('SIGTERM', done)
  })
  await lock.release({ timeoutMs: args.timeoutMs })
  return 0
}
