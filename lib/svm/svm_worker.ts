/**
 * Worker entry point of the SVM solver pool: solves binary problems on a
 * kernel matrix that the pool shares (a `SharedArrayBuffer`, never copied).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type BinaryProblem, solveBinary, type SolverOptions } from "./smo.ts";

/** A message to the worker: one problem to solve. */
export interface SolveRequest {
  id: number;
  problem: BinaryProblem;
  options: SolverOptions;
}

self.onmessage = (event: MessageEvent<SolveRequest>) => {
  const { id, problem, options } = event.data;
  try {
    const solution = solveBinary(problem, options);
    self.postMessage({ id, solution }, [solution.alpha.buffer]);
  } catch (error) {
    self.postMessage({ id, error: String((error as Error)?.stack ?? error) });
  }
};
