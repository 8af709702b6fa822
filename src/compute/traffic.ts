/**
 * How parameter traffic is counted, so a run's `bytesSent` and the
 * every-step comparison (`bytesIfEveryStep`) are measured the same way.
 *
 * A run sends: each delta a trainer reports (in its encoding) and each
 * parameter message the coordinator sends (a commit to each trainer, the
 * current parameters to each joiner), all with their headers. Averaging
 * after every step would send, for each inner step a trainer ran, one
 * float32 gradient up and one float32 parameter message down.
 */

import { encodedSize } from './codec.ts'

/** Bytes averaging after every step would have sent for `steps` inner steps in all. */
export function everyStepBytes (steps: number, paramCount: number): number {
  return steps * 2 * encodedSize(paramCount, 'float32')
}
