/**
 * What each compared system implements, so every case runs the same job
 * the same way on all of them. A server runs in one child process, a
 * client in another.
 */

export interface ServeOptions {
  /** Workers to run (10 for fan-out, else 1) */
  workers: number
  natsUrl: string
  redisUrl: string
  /** meshwork: the relay to join through */
  bootstrap?: string
  /** Tasks a worker runs at once, for systems that bound it */
  concurrency: number
  /** meshwork: every peer keeps its Prometheus metrics (the overhead case; `full`: with libp2p's per-message figures) */
  metrics?: boolean | 'full'
}

export interface BenchServer {
  /** What a client needs to reach the server (JSON) */
  info: Record<string, unknown>
  close(): Promise<void>
}

export interface ConnectOptions extends ServeOptions {
  /** Calls in flight at most (sizes connection pools) */
  maxInFlight: number
}

export interface BenchClient {
  /** Sends 256 bytes, resolves with the echo */
  call(payload: Uint8Array): Promise<Uint8Array>
  /**
   * Sends a JSON value, resolves with the echoed value. Systems without one
   * are called as their users would: `JSON.stringify` and encode, `call`,
   * then decode and `JSON.parse` (the server echoes the bytes).
   */
  callJson?(value: unknown): Promise<unknown>
  /** Asks for a streamed reply of `count` tokens; calls `onChunk` per token */
  stream(count: number, onChunk: (token: string) => void): Promise<void>
  /** Sends `payload` to every worker and resolves with the number of replies */
  fanout(payload: Uint8Array): Promise<number>
  close(): Promise<void>
}

export interface BenchSystem {
  serve(options: ServeOptions): Promise<BenchServer>
  connect(info: Record<string, unknown>, options: ConnectOptions): Promise<BenchClient>
}
