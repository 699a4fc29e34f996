/**
 * Learning-rate schedules: functions from the training position to a rate,
 * evaluated by the fit loop before every step (so warm-ups and cosines are
 * smooth within an epoch; epoch-wise schedules just ignore the step).
 *
 * @example
 * ```ts
 * const lr = oneCycle({ maxLr: 3e-3 });
 * lr({ epoch: 0, step: 0, stepsPerEpoch: 141, epochs: 20 }); // 1.2e-4
 * ```
 *
 * @module
 */

/** Where training is when a rate is asked for. */
export interface ScheduleContext {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based step within the epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Total epochs of the run. */
  epochs: number;
}

/** A learning-rate schedule. */
export type Schedule = (ctx: ScheduleContext) => number;

/** Fraction of the run done, in [0, 1). */
export function progressOf(ctx: ScheduleContext): number {
  return (ctx.epoch * ctx.stepsPerEpoch + ctx.step) / Math.max(1, ctx.epochs * ctx.stepsPerEpoch);
}

/** The same rate throughout. */
export function constant(lr: number): Schedule {
  return () => lr;
}

/** Options of {@linkcode warmupStep}; defaults are the report's (sections 6.3.4 and 7). */
export interface WarmupStepOptions {
  /** Rate reached at the end of the warm-up (default 0.01). */
  peak?: number;
  /** Epochs of linear warm-up from 0 (default 200). */
  warmupEpochs?: number;
  /** `[fromEpoch, rate]` drops, ascending (default [[3000, 0.005], [4000, 0.001]]). */
  steps?: [number, number][];
}

/**
 * The report's Keras scheduler: linear warm-up `peak * epoch / warmupEpochs`
 * up to and including `warmupEpochs`, then `peak`, then step drops. Epoch-wise
 * (constant within an epoch), like Keras' `LearningRateScheduler`.
 */
export function warmupStep(options: WarmupStepOptions = {}): Schedule {
  const peak = options.peak ?? 0.01, warm = options.warmupEpochs ?? 200;
  const steps = options.steps ?? [[3000, 0.005], [4000, 0.001]];
  return ({ epoch }) => {
    if (epoch <= warm) return peak * (epoch / warm);
    let lr = peak;
    for (const [from, rate] of steps) if (epoch >= from) lr = rate;
    return lr;
  };
}

/** Options of {@linkcode cosine}. */
export interface CosineOptions {
  /** Rate after warm-up (required). */
  peak: number;
  /** Fraction of the run spent warming up linearly from 0 (default 0.05). */
  warmupFraction?: number;
  /** Final rate (default 0). */
  final?: number;
}

/** Linear warm-up then cosine decay to `final`, per step. */
export function cosine(options: CosineOptions): Schedule {
  const warm = options.warmupFraction ?? 0.05, final = options.final ?? 0;
  return (ctx) => {
    const p = progressOf(ctx);
    if (p < warm) return options.peak * (p / warm);
    const q = (p - warm) / Math.max(1e-12, 1 - warm);
    return final + (options.peak - final) * 0.5 * (1 + Math.cos(Math.PI * q));
  };
}

/** Options of {@linkcode oneCycle} (defaults as in PyTorch's OneCycleLR). */
export interface OneCycleOptions {
  /** Highest rate (required). */
  maxLr: number;
  /** Fraction of the run spent rising (default 0.3). */
  pctStart?: number;
  /** Starting rate is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** Final rate is the starting rate divided by this (default 1e4). */
  finalDivFactor?: number;
}

/** One-cycle: cosine rise from `maxLr/divFactor` to `maxLr`, then cosine fall to nearly 0, per step. */
export function oneCycle(options: OneCycleOptions): Schedule {
  const pct = options.pctStart ?? 0.3, start = options.maxLr / (options.divFactor ?? 25);
  const end = start / (options.finalDivFactor ?? 1e4);
  const anneal = (a: number, b: number, t: number) => b + (a - b) * 0.5 * (1 + Math.cos(Math.PI * t));
  return (ctx) => {
    const p = progressOf(ctx);
    return p < pct ? anneal(start, options.maxLr, p / pct) : anneal(options.maxLr, end, (p - pct) / (1 - pct));
  };
}
