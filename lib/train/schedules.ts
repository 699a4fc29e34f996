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
  /** Epochs of linear warm-up (default 200; 0: none, `peak` from the first step). */
  warmupEpochs?: number;
  /** `[fromEpoch, rate]` drops, ascending (default [[3000, 0.005], [4000, 0.001]]). */
  steps?: [number, number][];
}

/**
 * The report's Keras scheduler: a linear warm-up to `peak` over `warmupEpochs`,
 * then `peak`, then step drops (epoch-wise, like Keras' `LearningRateScheduler`).
 *
 * The warm-up rises per step and counts the current step as done: the rate of
 * a step is `peak * (steps done, this one included) / (warm-up steps)`, so it is
 * never 0 and reaches `peak` on the warm-up's last step. (The report's Keras
 * function, `0.01 * epoch / 200` from epoch 0, spends its first epoch at a rate
 * of 0: harmless in 5,000 epochs, a whole wasted epoch when the schedule is
 * compressed to a one-epoch warm-up.)
 *
 * @example
 * ```ts
 * const lr = warmupStep({ peak: 0.01, warmupEpochs: 1, steps: [[4, 0.005]] });
 * lr({ epoch: 0, step: 0, stepsPerEpoch: 4, epochs: 6 }); // 0.0025, not 0
 * lr({ epoch: 0, step: 3, stepsPerEpoch: 4, epochs: 6 }); // 0.01
 * lr({ epoch: 4, step: 0, stepsPerEpoch: 4, epochs: 6 }); // 0.005
 * ```
 */
export function warmupStep(options: WarmupStepOptions = {}): Schedule {
  const peak = options.peak ?? 0.01, warm = options.warmupEpochs ?? 200;
  const steps = options.steps ?? [[3000, 0.005], [4000, 0.001]];
  if (!(warm >= 0)) throw new RangeError(`warmupStep: warmupEpochs must be 0 or more, got ${warm}`);
  return ({ epoch, step, stepsPerEpoch }) => {
    if (epoch < warm) {
      const per = Math.max(1, stepsPerEpoch);
      return peak * Math.min(1, (epoch * per + step + 1) / (warm * per));
    }
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
