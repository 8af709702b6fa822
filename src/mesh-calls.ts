/**
 * The caller's API on top of the requester: `request`, `stream`,
 * `broadcast` and `waitForWorkers`, with their options checked and their
 * defaults applied.
 */
import {
  DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_RESUME_BUFFER_BYTES, DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_STREAM_TIMEOUT_MS, DEFAULT_STREAM_WINDOW, MAX_STREAM_WINDOW, WAIT_FOR_WORKERS_POLL_MS
} from './constants.ts'
import { createBalancer } from './dispatch/balancers.ts'
import { gather } from './dispatch/fanout.ts'
import { hedged } from './compute/hedge.ts'
import { startMap } from './compute/map.ts'
import { MAP_TASK_ID_PREFIX, MapJournal } from './compute/map-journal.ts'
import { AbortError, InvalidArgumentError, NoWorkersError, TimeoutError } from './errors.ts'
import { checkName } from './util/names.ts'
import { sleep } from './util/sleep.ts'
import { decodePayload, encodePayload } from './wire/payload.ts'
import type { Journal } from './journal/journal.ts'
import type { Call, CallInit } from './dispatch/call.ts'
import type { Requester } from './dispatch/requester.ts'
import type { PeerTable } from './presence/peer-table.ts'
import type { Balancer, BroadcastOptions, BroadcastReply, CallOptions, RecoveredTask, RequestOptions, StreamOptions, TaskStream } from './types.ts'
import type { MapJob, MapOptions } from './compute/map-types.ts'
import type { TaskRunner, TaskStart } from './compute/task-runner.ts'
import type { EncodedPayload } from './wire/payload.ts'

export interface CallsInit {
  requester: Requester
  table: PeerTable
  balancer: Balancer
  journal?: Journal
  maxCalls: number
}

/** Largest timeout accepted: about 24 days, what setTimeout can hold. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

export class Calls {
  private readonly init: CallsInit
  private readonly prefix: string
  private counter = 0
  private readonly balancers = new Map<string, Balancer>()
  /** Ids of the journaled jobs running (each may run once at a time) */
  private readonly openJobs = new Set<string>()
  private recovered = false

  constructor (init: CallsInit) {
    this.init = init
    // ids stay unique across restarts of the same peer (the journal relies on it)
    this.prefix = Array.from(crypto.getRandomValues(new Uint8Array(6)), b => b.toString(36).padStart(2, '0')).join('')
  }

  async request<O> (service: string, input: unknown, options: RequestOptions): Promise<O> {
    const { hedgeAfterMs } = options
    if (hedgeAfterMs != null) {
      if (typeof hedgeAfterMs !== 'number' || !(hedgeAfterMs > 0) || hedgeAfterMs > MAX_TIMEOUT_MS) {
        throw new InvalidArgumentError(`hedgeAfterMs is a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`)
      }
      const runner = this.runner(service, options)
      const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
      return hedged<O>(runner, encodePayload(input), hedgeAfterMs, deadline)
    }
    const call = this.start(service, input, options, false, DEFAULT_REQUEST_TIMEOUT_MS)
    return call.result as Promise<O>
  }

  map<O> (service: string, inputs: unknown, options: MapOptions): MapJob<O> {
    return startMap<O>(inputs, options, {
      runner: taskOptions => this.runner(service, taskOptions),
      durable: encoded => this.durable(service, options, encoded)
    })
  }

  /** The journal state of a job with a `journal` option; throws when this node cannot keep it. */
  private durable (service: string, options: MapOptions, inputs: EncodedPayload[]): MapJournal | undefined {
    if (options.journal == null) {
      return undefined
    }
    const { id } = options.journal
    checkName(id, 'a job id')
    const { journal } = this.init
    if (journal?.jobs == null) {
      throw new InvalidArgumentError('a journaled map needs a node with a journal that keeps jobs')
    }
    if (this.openJobs.has(id)) {
      throw new InvalidArgumentError(`job "${id}" is already running`)
    }
    this.openJobs.add(id)
    return new MapJournal({ id, service, journal, jobs: journal.jobs, inputs, closed: () => { this.openJobs.delete(id) } })
  }

  /** Starts unary calls of `service` with `options`, each input already encoded (map, hedging). */
  private runner (service: string, options: CallOptions): TaskRunner {
    checkService(service)
    checkOptions(options, DEFAULT_REQUEST_TIMEOUT_MS)
    return {
      start: (encoded, route = {}) => this.start(service, undefined, { ...options, preferPeer: route.preferPeer ?? options.preferPeer }, false, DEFAULT_REQUEST_TIMEOUT_MS, { ...route, encoded }),
      cancel: (call, err) => { this.init.requester.cancel(call, err) }
    }
  }

  stream<O> (service: string, input: unknown, options: StreamOptions): TaskStream<O> {
    return this.readable(this.start(service, input, options, true, DEFAULT_STREAM_TIMEOUT_MS))
  }

  /** Runs again every task the journal still holds from before a restart (once per node). */
  async recover (): Promise<RecoveredTask[]> {
    const { journal, requester, maxCalls } = this.init
    if (journal == null || this.recovered) {
      return []
    }
    this.recovered = true
    // a journaled job's calls are its own: re-opening the job runs them
    const records = (await journal.pending(maxCalls)).filter(record => !record.id.startsWith(MAP_TASK_ID_PREFIX))
    return records.map(record => {
      const call = requester.start({
        id: record.id,
        service: record.service,
        input: record.input,
        streaming: record.streaming,
        deadline: record.deadline,
        maxAttempts: record.maxAttempts,
        balancer: this.init.balancer,
        broadcast: false,
        window: DEFAULT_STREAM_WINDOW,
        stallTimeoutMs: DEFAULT_STALL_TIMEOUT_MS,
        maxResumeBytes: DEFAULT_RESUME_BUFFER_BYTES,
        model: record.model,
        // back to the worker that had it: its result cache may hold the answer
        preferPeer: record.worker
      }, undefined, true)
      let input: unknown
      try {
        input = decodePayload(record.input.data, record.input.codec)
      } catch {
        input = record.input.data
      }
      return {
        id: record.id,
        service: record.service,
        input,
        streaming: record.streaming,
        result: record.streaming ? undefined : call.result,
        stream: record.streaming ? this.readable(call) : undefined
      }
    })
  }

  private readable<O> (call: Call): TaskStream<O> {
    const { requester } = this.init
    return {
      id: call.id,
      get worker () { return call.worker },
      cancel: () => { requester.cancel(call, new AbortError('the stream was cancelled')) },
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<O>> => {
          // a chunk already here is handed over without waiting on another promise
          const ready = call.takeBuffered() ?? await call.take()
          requester.grant(call, ready.grant)
          return 'done' in ready && ready.done ? { done: true, value: undefined } : { done: false, value: ready.value as O }
        },
        return: async (): Promise<IteratorResult<O>> => {
          requester.cancel(call, new AbortError('the reader stopped'))
          return { done: true, value: undefined }
        }
      })
    }
  }

  async broadcast<O> (service: string, input: unknown, options: BroadcastOptions): Promise<Array<BroadcastReply<O>>> {
    checkService(service)
    const quorum = options.quorum
    if (quorum != null && (!Number.isInteger(quorum) || quorum < 1)) {
      throw new InvalidArgumentError('quorum is a positive integer')
    }
    const { timeoutMs } = checkOptions(options, DEFAULT_REQUEST_TIMEOUT_MS)
    const workers = this.init.table.workers(service)
    if (workers.length === 0) {
      throw new NoWorkersError(`no live worker serves "${service}"`)
    }
    if (quorum != null && quorum > workers.length) {
      throw new NoWorkersError(`a quorum of ${quorum} needs more than the ${workers.length} live workers`)
    }
    const peers = workers.map(w => w.peerId)
    const { requester } = this.init
    // one encoding of the input, one deadline and one abort listener for every member
    const calls = requester.startMembers({
      service,
      input: encodePayload(input),
      streaming: false,
      deadline: Date.now() + timeoutMs,
      maxAttempts: 1,
      balancer: this.init.balancer,
      broadcast: false,
      window: DEFAULT_STREAM_WINDOW,
      stallTimeoutMs: DEFAULT_STALL_TIMEOUT_MS,
      maxResumeBytes: DEFAULT_RESUME_BUFFER_BYTES,
      token: options.token
    }, peers.map(peerId => ({ id: this.nextId(), peerId })), options.signal)
    return gather<O>(calls, peers, quorum, call => { requester.cancel(call, new AbortError('quorum reached')) })
  }

  async waitForWorkers (service: string, count: number, options: { signal?: AbortSignal, timeoutMs?: number }): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
    while (this.init.table.workers(service).length < count) {
      if (options.signal?.aborted === true) {
        throw new AbortError()
      }
      if (Date.now() > deadline) {
        throw new TimeoutError(`fewer than ${count} workers of "${service}" appeared`)
      }
      await sleep(WAIT_FOR_WORKERS_POLL_MS)
    }
  }

  private start (service: string, input: unknown, options: StreamOptions, streaming: boolean, defaultTimeoutMs: number, route: Route = {}): Call {
    checkService(service)
    const { timeoutMs, maxAttempts, window } = checkOptions(options, defaultTimeoutMs)
    const init: CallInit = {
      id: route.id ?? this.nextId(),
      service,
      input: route.encoded ?? encodePayload(input),
      streaming,
      deadline: route.deadline ?? Date.now() + timeoutMs,
      maxAttempts,
      balancer: this.balancer(options),
      broadcast: options.mode === 'broadcast',
      window,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      maxResumeBytes: DEFAULT_RESUME_BUFFER_BYTES,
      model: options.model,
      preferPeer: options.preferPeer,
      avoid: route.avoid,
      token: options.token
    }
    return this.init.requester.start(init, options.signal, route.recorded)
  }

  /** A call id unique to this node (across its restarts: see the prefix). */
  private nextId (): string {
    return `${this.prefix}${(this.counter++).toString(36)}`
  }

  private balancer (options: CallOptions): Balancer {
    const choice = options.balancer
    if (choice == null) {
      return this.init.balancer
    }
    if (typeof choice !== 'string') {
      return choice
    }
    // named balancers keep state (round-robin's turn), so one per name
    let balancer = this.balancers.get(choice)
    if (balancer == null) {
      balancer = createBalancer(choice)
      this.balancers.set(choice, balancer)
    }
    return balancer
  }
}

/** Where a call may go and what it carries, beyond its options. */
interface Route extends Omit<TaskStart, 'preferPeer'> {
  /** The input, already encoded */
  encoded?: EncodedPayload
}

/**
 * Checks a call's options; returns them with their defaults applied. A
 * fractional timeout is rounded up to whole milliseconds, the unit deadlines
 * travel in.
 */
function checkOptions (options: StreamOptions, defaultTimeoutMs: number): { timeoutMs: number, maxAttempts: number, window: number } {
  const asked = options.timeoutMs ?? defaultTimeoutMs
  if (typeof asked !== 'number' || !(asked > 0) || asked > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(`timeoutMs is a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`)
  }
  const timeoutMs = Math.ceil(asked)
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError('maxAttempts is a positive integer')
  }
  const window = options.window ?? DEFAULT_STREAM_WINDOW
  if (!Number.isInteger(window) || window < 1 || window > MAX_STREAM_WINDOW) {
    throw new InvalidArgumentError(`window is an integer between 1 and ${MAX_STREAM_WINDOW}`)
  }
  return { timeoutMs, maxAttempts, window }
}

function checkService (service: string): void {
  checkName(service, 'a service name')
}
