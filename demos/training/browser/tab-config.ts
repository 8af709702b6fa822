/**
 * What the training page server tells a tab (see ../browser-trainers.ts):
 *
 * - `GET /config.json` → {@link TabConfig}: where the mesh is
 * - `POST /claim` `{ peerId, slot? }` → {@link TabAssignment}: the tab's
 *   place in the run (a free one, or `slot` again after a reload); `409`
 *   when every place is taken
 * - `GET /shard/<slot>.bin` → the place's samples as a shard file
 *   (../shard-file.ts)
 */
import type { InnerOptimiserConfig } from '../../../src/compute/optimiser.ts'
import type { ParamEncoding } from '../../../src/compute/codec.ts'

/** Where the tab joins. */
export interface TabConfig {
  /** WebSocket multiaddrs of the run's bootstrap peer */
  bootstrap: string[]
  /** The run's name: the prefix of the coordinator's services */
  run: string
}

/** A tab's place among the run's trainers. */
export interface TabAssignment {
  /** The trainer's name in the run, e.g. `browser-0` */
  name: string
  slot: number
  /** Where the place's shard file is */
  shard: string
  innerSteps: number
  batchSize: number
  optimiser: InnerOptimiserConfig
  /** Seeds the order the shard is visited in */
  seed: number
  encoding: ParamEncoding
  /** How long a call to the coordinator may wait (a parameter request waits out a round) */
  callTimeoutMs: number
}
