/**
 * The messages of training rounds on a mesh, as task payloads (raw bytes):
 * a length-prefixed JSON header (at most {@link MAX_ROUND_HEADER_BYTES})
 * followed by a parameter message of `codec.ts`, when there is one.
 *
 * A report carries a trainer's delta up to the coordinator; a parameter
 * message carries a round's starting parameters down to a trainer.
 */

import { ProtocolError } from '../errors.ts'
import { decodeParams, encodeParams } from './codec.ts'
import type { DecodeOptions, ParamEncoding } from './codec.ts'

/** Largest JSON header of a round message. */
export const MAX_ROUND_HEADER_BYTES = 4 * 1024
const LENGTH_BYTES = 4

/** What a trainer reports for a round. */
export interface ReportHeader {
  trainer: string
  round: number
  /** Samples behind the delta: its weight */
  samples: number
  /** Inner steps behind the delta */
  steps: number
}

/** The coordinator's answer to a report. */
export interface ReportAnswer {
  accepted: boolean
  /** Why the report was not counted */
  reason?: string
  /** The round to ask parameters for next */
  nextRound: number
}

/** A round's starting parameters (absent once the run is over). */
export interface ParamsHeader {
  /** The round these parameters start; once the run is over, the number of rounds it ran */
  round: number
  version: number
  /** Whether the run is over (the parameters are then the final model) */
  done: boolean
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function frame (header: object, body: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(header))
  const out = new Uint8Array(LENGTH_BYTES + json.length + body.length)
  new DataView(out.buffer).setUint32(0, json.length, true)
  out.set(json, LENGTH_BYTES)
  out.set(body, LENGTH_BYTES + json.length)
  return out
}

function unframe (bytes: unknown): { header: Record<string, unknown>, body: Uint8Array } {
  if (!(bytes instanceof Uint8Array) || bytes.length < LENGTH_BYTES) {
    throw new ProtocolError('a round message is raw bytes with a header')
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  if (length > MAX_ROUND_HEADER_BYTES || LENGTH_BYTES + length > bytes.length) {
    throw new ProtocolError(`round message header of ${length} bytes`)
  }
  let header: unknown
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + length)))
  } catch (err) {
    throw new ProtocolError('round message header is not JSON', { cause: err })
  }
  if (header == null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ProtocolError('round message header is not an object')
  }
  return { header: header as Record<string, unknown>, body: bytes.subarray(LENGTH_BYTES + length) }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

/** A report: its header and the delta in `encoding`. */
export function encodeReport (header: ReportHeader, delta: Float32Array, encoding: ParamEncoding): Uint8Array {
  return frame(header, encodeParams(delta, encoding))
}

/** Reads a report; anything malformed raises a `ProtocolError`. */
export function decodeReport (bytes: unknown, options: DecodeOptions): { header: ReportHeader, delta: Float32Array } {
  const { header, body } = unframe(bytes)
  const { trainer, round, samples, steps } = header
  if (typeof trainer !== 'string' || trainer.length === 0 || !isCount(round) || !isCount(samples) || samples === 0 || !isCount(steps)) {
    throw new ProtocolError('a report needs trainer, round, samples > 0 and steps')
  }
  return { header: { trainer, round, samples, steps }, delta: decodeParams(body, options) }
}

/** A parameter message (float32, so every trainer starts from the same bytes). */
export function encodeParamsMessage (header: ParamsHeader, params: Float32Array): Uint8Array {
  return frame(header, encodeParams(params, 'float32'))
}

/** Reads a parameter message; anything malformed raises a `ProtocolError`. */
export function decodeParamsMessage (bytes: unknown, options: DecodeOptions): { header: ParamsHeader, params: Float32Array } {
  const { header, body } = unframe(bytes)
  const { round, version, done } = header
  if (!isCount(round) || !isCount(version) || typeof done !== 'boolean') {
    throw new ProtocolError('a parameter message needs round, version and done')
  }
  return { header: { round, version, done }, params: decodeParams(body, options) }
}
