/**
 * A pool of worker threads that solve binary SVM problems in parallel (one
 * worker per core by default); the kernel matrix travels by reference when it
 * lives in a `SharedArrayBuffer`.
 *
 * @module
 */

import { type BinaryProblem, type BinarySolution, solveBinary, type SolverOptions } from "./smo.ts";

/** Options of {@linkcode createSolverPool}. */
export interface SolverPoolOptions {
  /** Worker threads (default: `navigator.hardwareConcurrency`, at least 1); 0 solves on the calling thread. */
  workers?: number;
}

/** Solves binary problems, in parallel when it has workers. */
export interface SolverPool {
  /** Number of worker threads (0: inline). */
  readonly size: number;
  /** Queues one problem; resolves with its solution. */
  solve(problem: BinaryProblem, options?: SolverOptions): Promise<BinarySolution>;
  /** Terminates the workers (pending problems are rejected). */
  close(): void;
}

interface Pending {
  id: number;
  problem: BinaryProblem;
  options: SolverOptions;
  resolve: (s: BinarySolution) => void;
  reject: (e: Error) => void;
}

/** Worker threads of a solver pool by default: one per core (the main thread only waits for them). */
export function coreCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Starts a solver pool. Close it when done, or the workers keep the process alive.
 *
 * @example
 * ```ts
 * import type { BinaryProblem } from "./smo.ts";
 * declare const problem: BinaryProblem;
 * const pool = createSolverPool();
 * try { await pool.solve(problem); } finally { pool.close(); }
 * ```
 */
export function createSolverPool(options: SolverPoolOptions = {}): SolverPool {
  const size = options.workers ?? coreCount();
  if (size === 0) {
    return {
      size: 0,
      solve: (problem, opts = {}) => Promise.resolve().then(() => solveBinary(problem, opts)),
      close() {},
    };
  }
  const url = new URL("./svm_worker.ts", import.meta.url).href;
  const queue: Pending[] = [];
  const busy = new Map<Worker, Pending>();
  const idle: Worker[] = [];
  let nextId = 0;
  let closed = false;
  const pump = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage({ id: job.id, problem: job.problem, options: job.options });
    }
  };
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(url, { type: "module" });
    worker.onmessage = (event: MessageEvent<{ id: number; solution?: BinarySolution; error?: string }>) => {
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (job) {
        if (event.data.error) job.reject(new Error(event.data.error));
        else job.resolve(event.data.solution!);
      }
      pump();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      job?.reject(new Error(event.message));
      pump();
    };
    idle.push(worker);
    return worker;
  });
  return {
    size,
    solve(problem, opts = {}) {
      if (closed) return Promise.reject(new Error("solver pool is closed"));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, problem, options: opts, resolve, reject });
        pump();
      });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of workers) w.terminate();
      for (const job of [...queue, ...busy.values()]) job.reject(new Error("solver pool closed"));
      queue.length = 0;
      busy.clear();
    },
  };
}
