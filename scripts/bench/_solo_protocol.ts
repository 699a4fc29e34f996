/**
 * What the train suite (`train.ts`) and its independent replicas (`solo.ts`) say to each other on the replicas'
 * standard output: lines that start with {@linkcode SOLO_PREFIX}, `ready` and then one {@linkcode SoloTurn} (JSON) a
 * turn.
 *
 * @module
 */

/** The prefix of the protocol's lines; any other line a replica prints is skipped. */
export const SOLO_PREFIX = "@solo ";

/** One timed turn of a replica: the steps that ended inside the turn's seconds, and their total milliseconds. */
export interface SoloTurn {
  steps: number;
  ms: number;
}
