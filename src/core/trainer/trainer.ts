/**
 * Applies an optimizer to a set of Parameters, mirroring gluon.Trainer: `step(batchSize)` rescales the
 * gradients by 1/batchSize and updates every parameter, in sorted-key order.
 */
import { tf } from '../backend/tf.js';
import { DisposedError, SoftmaxError, StaleGradientError, assert } from '../errors.js';
import { isUsableLearningRate } from '../learning-rate.js';
import { warn } from '../platform.js';
import type { LRScheduler } from './lr-scheduler.js';
import type { Parameter } from '../nn/parameter.js';
import { adamUpdate, sgdUpdate } from './sgd.js';
import type { NamedArray } from '../io/bundle.js';
import type { TrainerStatesMeta } from './state.js';
import { applyStates, loadStates, saveStates, stateArrays } from './state.js';

export type OptimizerName = 'sgd' | 'adam';

/** Gluon's optimizer_params, camelCased. */
export interface TrainerOptions {
  learningRate?: number;
  wd?: number;
  /** sgd only. */
  momentum?: number;
  clipGradient?: number;
  /** Multiplied into 1/batchSize (Gluon's Trainer `scale`). */
  rescaleGrad?: number;
  /**
   * A learning-rate schedule (`lrScheduler.FactorScheduler`, ...). With one, `learningRate` (when given
   * and different) replaces its `baseLr`, as in MXNet.
   */
  lrScheduler?: LRScheduler;
  /** adam only. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

const allowed: Record<OptimizerName, (keyof TrainerOptions)[]> = {
  sgd: ['learningRate', 'wd', 'momentum', 'clipGradient', 'rescaleGrad', 'lrScheduler'],
  adam: ['learningRate', 'wd', 'clipGradient', 'rescaleGrad', 'lrScheduler', 'beta1', 'beta2', 'epsilon'],
};

interface Slot {
  key: string;
  param: Parameter;
  state: tf.Tensor[];
  updates: number;
}

export class Trainer {
  readonly optimizer: OptimizerName;
  private lr: number;
  private readonly hyper: Required<Omit<TrainerOptions, 'learningRate' | 'lrScheduler'>>;
  private readonly slots: Slot[];
  private readonly scheduler: LRScheduler | undefined;
  /** Gluon's `num_update`: the most updates any parameter has had (what a scheduler is asked about). */
  private numUpdate = 0;

  /**
   * `params`: `net.collectParams()` (or any key → Parameter map). Defaults as MXNet: sgd lr 0.01,
   * adam lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8; wd 0, momentum 0, no clipping. Each parameter is updated
   * at `learningRate · lrMult` with weight decay `wd · wdMult` (read at every step, as Gluon does).
   */
  constructor(params: Map<string, Parameter>, optimizer: OptimizerName, options: TrainerOptions = {}) {
    assert(optimizer in allowed, () => `Unknown optimizer '${String(optimizer)}'. Use 'sgd' or 'adam'.`);
    const unknown = Object.keys(options).filter((k) => !allowed[optimizer].includes(k as keyof TrainerOptions));
    assert(
      unknown.length === 0,
      () =>
        `Option(s) ${unknown.join(', ')} do not apply to '${optimizer}'; allowed: ${allowed[optimizer].join(', ')}.`,
    );
    for (const [k, v] of Object.entries(options)) {
      if (k === 'lrScheduler') continue;
      assert(
        typeof v === 'number' && Number.isFinite(v),
        () => `Expected ${k} to be a finite number, but got ${String(v)}.`,
      );
    }
    this.optimizer = optimizer;
    const scheduler = options.lrScheduler;
    assert(
      scheduler === undefined || (typeof scheduler === 'object' && typeof scheduler.learningRate === 'function'),
      () => 'Expected lrScheduler to be a scheduler (e.g. new lrScheduler.FactorScheduler({ step: 100 })).',
    );
    this.scheduler = scheduler;
    // MXNet 1.x: Adam's default learning rate is an explicit argument, sgd's is taken only without a schedule.
    const given = options.learningRate ?? (optimizer === 'adam' ? 0.001 : undefined);
    if (scheduler !== undefined && given !== undefined && given !== scheduler.baseLr) {
      warn('learning rate from lrScheduler has been overwritten by learningRate in the Trainer.');
      scheduler.baseLr = given;
    }
    this.lr = given ?? scheduler?.baseLr ?? 0.01;
    assert(this.lr > 0, () => `Expected learningRate to be positive, but got ${this.lr}.`);
    assert(
      isUsableLearningRate(this.lr),
      () => `Expected a learningRate float32 can hold, but ${this.lr} is ${Math.fround(this.lr)} in float32.`,
    );
    this.hyper = {
      wd: options.wd ?? 0,
      momentum: options.momentum ?? 0,
      // Gluon passes clip_gradient to the kernels only when truthy: 0, like unset, means no clipping.
      clipGradient: options.clipGradient || -1,
      rescaleGrad: options.rescaleGrad ?? 1,
      beta1: options.beta1 ?? 0.9,
      beta2: options.beta2 ?? 0.999,
      epsilon: options.epsilon ?? 1e-8,
    };
    assert(params.size > 0, () => 'Trainer got no parameters: pass net.collectParams() of an initialized network.');
    this.slots = [...params]
      .filter(([, p]) => p.gradReq === 'write')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, param]) => ({ key, param, state: [], updates: 0 }));
  }

  /** The current learning rate: the schedule's at the updates done, else the fixed one. Mirrors Trainer.learning_rate. */
  get learningRate(): number {
    return this.scheduler === undefined ? this.lr : this.scheduler.learningRate(this.numUpdate);
  }

  /** Sets the fixed learning rate; refused while a schedule decides it. Mirrors Trainer.set_learning_rate. */
  setLearningRate(lr: number): void {
    if (this.scheduler !== undefined) {
      throw new SoftmaxError(
        'This Trainer has an lrScheduler: setLearningRate can change the learning rate only of a Trainer without one.',
      );
    }
    assert(Number.isFinite(lr) && lr > 0, () => `Expected a positive learning rate, but got ${lr}.`);
    assert(
      isUsableLearningRate(lr),
      () => `Expected a learning rate float32 can hold, but ${lr} is ${Math.fround(lr)} in float32.`,
    );
    this.lr = lr;
  }

  /**
   * One update with gradients rescaled by `rescaleGrad / batchSize`. Pass the actual size of the
   * batch (the last one may be short), or 1 when the loss was already averaged. A parameter whose
   * gradient was not refreshed by `backward()` since the last step throws `StaleGradientError`,
   * unless `ignoreStaleGrad` (then it is skipped). Mirrors Trainer.step.
   */
  step(batchSize: number, options: { ignoreStaleGrad?: boolean } = {}): void {
    this.assertLive('step');
    assert(Number.isFinite(batchSize) && batchSize > 0, () => `Expected a positive batchSize, but got ${batchSize}.`);
    const ignoreStale = options.ignoreStaleGrad ?? false;
    for (const slot of this.slots) {
      if (!slot.param.initialized || slot.param.grad === null) {
        if (ignoreStale) continue;
        throw new StaleGradientError(slot.key);
      }
      if (!slot.param.freshGrad && !ignoreStale) throw new StaleGradientError(slot.key);
    }
    const rescaleGrad = this.hyper.rescaleGrad / batchSize;
    for (const slot of this.slots) {
      const { param } = slot;
      if (!param.freshGrad || param.grad === null) continue;
      this.update(slot, param.grad, rescaleGrad);
      param.freshGrad = false;
    }
  }

  private update(slot: Slot, grad: tf.Tensor, rescaleGrad: number): void {
    const { param } = slot;
    const weight = param.data();
    slot.updates += 1;
    this.numUpdate = Math.max(this.numUpdate, slot.updates);
    // MXNet's _get_lr/_get_wd: the schedule's rate at num_update, times the parameter's multipliers.
    const base = this.scheduler === undefined ? this.lr : this.scheduler.learningRate(this.numUpdate);
    const h = { ...this.hyper, learningRate: base * param.lrMult, wd: this.hyper.wd * param.wdMult, rescaleGrad };
    let next: { weight: tf.Tensor; state: tf.Tensor[] };
    if (this.optimizer === 'sgd') {
      const mom = h.momentum === 0 ? undefined : (slot.state[0] ?? tf.zerosLike(weight));
      const r = sgdUpdate(weight, grad, mom, h);
      if (mom !== undefined && slot.state[0] === undefined) mom.dispose();
      next = { weight: r.weight, state: r.mom === undefined ? [] : [r.mom] };
    } else {
      const [mean, variance] = slot.state.length === 2 ? slot.state : [tf.zerosLike(weight), tf.zerosLike(weight)];
      const r = adamUpdate(weight, grad, mean as tf.Tensor, variance as tf.Tensor, slot.updates, h);
      if (slot.state.length !== 2) tf.dispose([mean as tf.Tensor, variance as tf.Tensor]);
      next = { weight: r.weight, state: [r.mean, r.variance] };
    }
    weight.assign(next.weight);
    next.weight.dispose();
    tf.dispose(slot.state);
    slot.state = next.state;
  }

  /**
   * Saves the optimizer state (momentum or Adam moments, update counts, learning rate) to directory
   * `path`, atomically. Mirrors Trainer.save_states; async.
   */
  saveStates(path: string): Promise<void> {
    return saveStates(path, this.stateMeta(), this.slots);
  }

  /**
   * Restores the state saved by `saveStates`, learning rate included; the optimizer and parameter keys
   * must match (`ModelMismatchError` otherwise). Mirrors Trainer.load_states; async.
   */
  async loadStates(path: string): Promise<void> {
    this.applyMeta(await loadStates(path, this.optimizer, this.slots));
  }

  /** The optimizer state as named arrays and manifest fields, for a checkpoint (see `importStates`). */
  exportStates(): { meta: TrainerStatesMeta; arrays: NamedArray[] } {
    return stateArrays(this.stateMeta(), this.slots);
  }

  /** Restores what `exportStates` gave (read back from `path`), as `loadStates` does. */
  importStates(path: string, meta: TrainerStatesMeta, arrays: ReadonlyMap<string, NamedArray>): void {
    this.applyMeta(applyStates(path, meta, arrays, this.optimizer, this.slots));
  }

  private stateMeta(): { optimizer: string; learningRate: number; numUpdate: number; scheduler: number[] | null } {
    const scheduler = this.scheduler?.state() ?? null;
    return { optimizer: this.optimizer, learningRate: this.lr, numUpdate: this.numUpdate, scheduler };
  }

  private applyMeta(meta: TrainerStatesMeta): void {
    if ((meta.scheduler ?? null) !== null && this.scheduler === undefined)
      throw new SoftmaxError(
        'The saved optimizer state has an lrScheduler state, but this Trainer has no lrScheduler.',
      );
    this.lr = meta.learningRate;
    // States saved before schedules existed have no numUpdate: it is the most updates of any parameter.
    this.numUpdate = meta.numUpdate ?? Math.max(0, ...meta.slots.map((s) => s.updates));
    if (this.scheduler !== undefined && meta.scheduler) this.scheduler.setState(meta.scheduler);
  }

  private disposed = false;

  private assertLive(method: string): void {
    assert(
      !this.disposed,
      () => `Trainer.${method}: this Trainer was disposed; create a new Trainer to keep training.`,
      DisposedError,
    );
  }

  /** Frees the optimizer state (momentum, Adam moments). Parameters stay with their network. */
  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) {
      tf.dispose(slot.state);
      slot.state = [];
    }
  }
}
