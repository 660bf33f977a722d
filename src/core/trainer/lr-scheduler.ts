/**
 * Learning-rate schedules, mirroring mxnet.lr_scheduler (1.x): a scheduler maps the number of updates
 * done (`numUpdate`, from 1 at the first `Trainer.step`) to a learning rate, with an optional warm-up
 * (`warmupSteps` updates from `warmupBeginLr`, linearly or constant). Pass one to the Trainer as
 * `lrScheduler`. Like MXNet's they keep state (Factor and MultiFactor multiply as updates pass), so
 * their results match MXNet's to the bit; `state()`/`setState()` let a checkpoint carry it.
 */
import { SoftmaxError, assert } from '../errors.js';

export type WarmupMode = 'linear' | 'constant';

export interface WarmupOptions {
  /** The learning rate after warm-up (default 0.01). A Trainer's own `learningRate` overrides it. */
  baseLr?: number;
  /** Updates of warm-up before the schedule starts (default 0). */
  warmupSteps?: number;
  /** The learning rate warm-up starts from (default 0). */
  warmupBeginLr?: number;
  /** 'linear' rises in equal steps; 'constant' stays at `warmupBeginLr` (default 'linear'). */
  warmupMode?: WarmupMode;
}

const finite = (what: string, v: number): void =>
  assert(Number.isFinite(v), () => `Expected ${what} to be a finite number, but got ${v}.`);
const count = (what: string, v: number, min: number): void =>
  assert(Number.isInteger(v) && v >= min, () => `Expected ${what} to be an integer >= ${min}, but got ${v}.`);

/** Base class: the warm-up. Mirrors mxnet.lr_scheduler.LRScheduler. */
export abstract class LRScheduler {
  /** The learning rate the schedule starts from (MXNet's `base_lr`; the Trainer may set it). */
  baseLr: number;
  readonly warmupSteps: number;
  readonly warmupBeginLr: number;
  /** MXNet takes the warm-up's end from `baseLr` as constructed, before a Trainer overrides it. */
  readonly warmupFinalLr: number;
  readonly warmupMode: WarmupMode;

  constructor(options: WarmupOptions = {}) {
    const { baseLr = 0.01, warmupSteps = 0, warmupBeginLr = 0, warmupMode = 'linear' } = options;
    finite('baseLr', baseLr);
    finite('warmupBeginLr', warmupBeginLr);
    count('warmupSteps', warmupSteps, 0);
    assert(
      warmupBeginLr <= baseLr,
      () => `Base lr has to be higher than warmupBeginLr (${warmupBeginLr} > ${baseLr}).`,
    );
    assert(
      warmupMode === 'linear' || warmupMode === 'constant',
      () => `Supports only linear and constant modes of warmup, not '${String(warmupMode)}'.`,
    );
    this.baseLr = baseLr;
    this.warmupSteps = warmupSteps;
    this.warmupBeginLr = warmupBeginLr;
    this.warmupFinalLr = baseLr;
    this.warmupMode = warmupMode;
  }

  /** The warm-up's learning rate at `numUpdate` (< warmupSteps). */
  protected warmupLr(numUpdate: number): number {
    if (this.warmupMode === 'constant') return this.warmupBeginLr;
    return this.warmupBeginLr + ((this.warmupFinalLr - this.warmupBeginLr) * numUpdate) / this.warmupSteps;
  }

  /** The learning rate after `numUpdate` updates (Python's `scheduler(num_update)`). Call with non-decreasing values. */
  abstract learningRate(numUpdate: number): number;

  /** The mutable state, for a checkpoint. */
  abstract state(): number[];

  /** Restores what `state()` gave. */
  abstract setState(state: readonly number[]): void;

  /** Checks a saved state's length and values before restoring it. */
  protected checked(state: readonly number[], length: number): readonly number[] {
    if (state.length !== length || !state.every((v) => Number.isFinite(v)))
      throw new SoftmaxError(`${this.constructor.name}: expected a state of ${length} finite numbers, got [${state}].`);
    return state;
  }
}

/** `baseLr · factor^⌊(numUpdate−1)/step⌋`, never below `stopFactorLr`. Mirrors FactorScheduler. */
export class FactorScheduler extends LRScheduler {
  readonly step: number;
  readonly factor: number;
  readonly stopFactorLr: number;
  private count = 0;

  constructor(options: { step: number; factor?: number; stopFactorLr?: number } & WarmupOptions) {
    super(options);
    const { step, factor = 1, stopFactorLr = 1e-8 } = options;
    assert(
      Number.isInteger(step) && step >= 1,
      () => `Schedule step must be greater or equal than 1 round, got ${step}.`,
    );
    assert(
      Number.isFinite(factor) && factor <= 1,
      () => `Factor must be no more than 1 to make lr reduce, got ${factor}.`,
    );
    finite('stopFactorLr', stopFactorLr);
    this.step = step;
    this.factor = factor;
    this.stopFactorLr = stopFactorLr;
  }

  learningRate(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.warmupLr(numUpdate);
    // A loop, not a power: MXNet multiplies once per step passed, and so the rounding is the same.
    while (numUpdate > this.count + this.step) {
      this.count += this.step;
      this.baseLr *= this.factor;
      if (this.baseLr < this.stopFactorLr) this.baseLr = this.stopFactorLr;
    }
    return this.baseLr;
  }

  state(): number[] {
    return [this.count, this.baseLr];
  }

  setState(state: readonly number[]): void {
    [this.count, this.baseLr] = this.checked(state, 2) as [number, number];
  }
}

/** `baseLr · factor^k` once `numUpdate` passes k of the steps. Mirrors MultiFactorScheduler. */
export class MultiFactorScheduler extends LRScheduler {
  readonly step: readonly number[];
  readonly factor: number;
  private stepIndex = 0;

  constructor(options: { step: number[]; factor?: number } & WarmupOptions) {
    super(options);
    const { step, factor = 1 } = options;
    assert(Array.isArray(step) && step.length >= 1, () => 'Schedule step must be a non-empty list of update counts.');
    step.forEach((s, i) => {
      assert(Number.isInteger(s) && s >= 1, () => `Schedule step must be greater or equal than 1 round, got ${s}.`);
      assert(
        i === 0 || s > (step[i - 1] as number),
        () => `Schedule step must be an increasing integer list: [${step}].`,
      );
    });
    assert(
      Number.isFinite(factor) && factor <= 1,
      () => `Factor must be no more than 1 to make lr reduce, got ${factor}.`,
    );
    this.step = [...step];
    this.factor = factor;
  }

  learningRate(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.warmupLr(numUpdate);
    while (this.stepIndex < this.step.length && numUpdate > (this.step[this.stepIndex] as number)) {
      this.stepIndex += 1;
      this.baseLr *= this.factor;
    }
    return this.baseLr;
  }

  state(): number[] {
    return [this.stepIndex, this.baseLr];
  }

  setState(state: readonly number[]): void {
    [this.stepIndex, this.baseLr] = this.checked(state, 2) as [number, number];
  }
}

/** Options of the schedules that decay to `finalLr` over `maxUpdate` updates. */
export interface DecayOptions extends WarmupOptions {
  maxUpdate: number;
  finalLr?: number;
}

/** Poly and Cosine: decay from the constructed `baseLr` to `finalLr` between warm-up and `maxUpdate`. */
abstract class DecayScheduler extends LRScheduler {
  readonly maxUpdate: number;
  readonly finalLr: number;
  /** MXNet's `base_lr_orig`: the start of the decay is the constructed base rate, not a Trainer's. */
  readonly baseLrOrig: number;
  private readonly maxSteps: number;

  constructor(options: DecayOptions) {
    super(options);
    const { maxUpdate, finalLr = 0 } = options;
    assert(
      Number.isInteger(maxUpdate) && maxUpdate >= 1,
      () => `maximum number of updates must be strictly positive, got ${maxUpdate}.`,
    );
    finite('finalLr', finalLr);
    this.maxUpdate = maxUpdate;
    this.finalLr = finalLr;
    this.baseLrOrig = this.baseLr;
    this.maxSteps = maxUpdate - this.warmupSteps;
  }

  /** The rate `done` of `total` decay updates in (MXNet's expression, in its order of operations). */
  protected abstract decayed(done: number, total: number): number;

  learningRate(numUpdate: number): number {
    if (numUpdate < this.warmupSteps) return this.warmupLr(numUpdate);
    // Past maxUpdate the last rate computed stays (MXNet keeps base_lr as it was last set).
    if (numUpdate <= this.maxUpdate) this.baseLr = this.decayed(numUpdate - this.warmupSteps, this.maxSteps);
    return this.baseLr;
  }

  state(): number[] {
    return [this.baseLr];
  }

  setState(state: readonly number[]): void {
    [this.baseLr] = this.checked(state, 1) as [number];
  }
}

/** `finalLr + (baseLr − finalLr)·(1 − t)^pwr`, t = progress after warm-up. Mirrors PolyScheduler (pwr 2). */
export class PolyScheduler extends DecayScheduler {
  readonly pwr: number;

  constructor(options: DecayOptions & { pwr?: number }) {
    super(options);
    this.pwr = options.pwr ?? 2;
    finite('pwr', this.pwr);
  }

  protected decayed(done: number, total: number): number {
    return this.finalLr + (this.baseLrOrig - this.finalLr) * (1 - done / total) ** this.pwr;
  }
}

/** `finalLr + (baseLr − finalLr)·(1 + cos(π·t))/2`, t = progress after warm-up. Mirrors CosineScheduler. */
export class CosineScheduler extends DecayScheduler {
  protected decayed(done: number, total: number): number {
    return this.finalLr + ((this.baseLrOrig - this.finalLr) * (1 + Math.cos((Math.PI * done) / total))) / 2;
  }
}
