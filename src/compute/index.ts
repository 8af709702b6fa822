/**
 * Training math that runs anywhere (Node, browsers, Web Workers): a dense
 * MLP, inner and outer (DiLoCo) optimisers, the round coordinator as a pure
 * state machine, the wire encoding of parameters and `model.json`; and the
 * rounds over a mesh (a coordinator behind mesh services, committing to a
 * consensus group, and the trainer's loop).
 */

export * from './mlp.ts'
export * from './optimiser.ts'
export * from './outer.ts'
export * from './trainer.ts'
export * from './rounds.ts'
export * from './codec.ts'
export * from './model-json.ts'
export * from './traffic.ts'
export * from './round-wire.ts'
export * from './round-coordinator.ts'
export * from './round-mesh.ts'
export { seededRandom, shuffle } from './random.ts'
export type { Random } from './random.ts'
