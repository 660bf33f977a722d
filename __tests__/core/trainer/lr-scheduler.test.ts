/**
 * Learning-rate schedules (mxnet.lr_scheduler 1.x) and the Trainer's use of them: every expected rate
 * is derived by hand from MXNet's definitions (quoted in each test), the Trainer's from the weights a
 * constant gradient moves (w₀ = 0, grad 1, batch 1 ⇒ w after k steps = −Σ lrᵢ).
 */
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, SoftmaxError } from '../../../src/core/errors.js';
import { Constant } from '../../../src/core/nn/init.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import {
  CosineScheduler,
  FactorScheduler,
  MultiFactorScheduler,
  PolyScheduler,
} from '../../../src/core/trainer/lr-scheduler.js';
import type { LRScheduler } from '../../../src/core/trainer/lr-scheduler.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { expectError, valuesOf } from '../../helpers.js';

const rates = (s: LRScheduler, n: number): number[] => Array.from({ length: n }, (_, i) => s.learningRate(i + 1));

describe('lrScheduler', () => {
  it('FactorScheduler: base·factor for every `step` updates passed, floored at stopFactorLr', () => {
    // while num_update > count + step: count += step; base_lr *= factor (clamped to stop_factor_lr)
    expect(rates(new FactorScheduler({ step: 2, factor: 0.5, baseLr: 1 }), 7)).toEqual([
      1, 1, 0.5, 0.5, 0.25, 0.25, 0.125,
    ]);
    expect(rates(new FactorScheduler({ step: 1, factor: 0.1, baseLr: 1, stopFactorLr: 0.005 }), 4)).toEqual([
      1,
      0.1,
      0.1 * 0.1,
      0.005,
    ]);
  });

  it('FactorScheduler catches up in one call after a jump (MXNet loops, so the bits are the same)', () => {
    const stepwise = new FactorScheduler({ step: 3, factor: 0.9, baseLr: 0.3 });
    const last = rates(stepwise, 40).at(-1);
    expect(new FactorScheduler({ step: 3, factor: 0.9, baseLr: 0.3 }).learningRate(40)).toBe(last);
    expect(last).toBe([...Array(13)].reduce((lr: number) => lr * 0.9, 0.3)); // 13 = ⌈40/3⌉ − 1 multiplications of base_lr
  });

  it('MultiFactorScheduler: × factor once num_update passes each listed step', () => {
    // num_update > step[k] for k steps passed
    expect(rates(new MultiFactorScheduler({ step: [2, 4], factor: 0.1, baseLr: 1 }), 6)).toEqual([
      1,
      1,
      0.1,
      0.1,
      0.1 * 0.1,
      0.1 * 0.1,
    ]);
  });

  it('PolyScheduler: final + (base − final)·(1 − n/max)^pwr, then the last rate', () => {
    const s = new PolyScheduler({ maxUpdate: 4, baseLr: 1, pwr: 2 });
    expect(rates(s, 6)).toEqual([0.5625, 0.25, 0.0625, 0, 0, 0]);
    expect(rates(new PolyScheduler({ maxUpdate: 2, baseLr: 2, pwr: 1, finalLr: 1 }), 3)).toEqual([1.5, 1, 1]);
  });

  it('CosineScheduler: final + (base − final)·(1 + cos(π·n/max))/2', () => {
    const s = new CosineScheduler({ maxUpdate: 4, baseLr: 1, finalLr: 0.1 });
    const want = [1, 2, 3, 4].map((n) => 0.1 + ((1 - 0.1) * (1 + Math.cos((Math.PI * n) / 4))) / 2);
    expect(rates(s, 4)).toEqual(want);
    expect(want[1]).toBeCloseTo(0.55, 12); // cos(π/2) = 0: halfway between base and final
    expect(s.learningRate(9)).toBe(want[3]);
  });

  it('warm-up: linear from warmupBeginLr to the constructed baseLr over warmupSteps, or constant', () => {
    // get_warmup_lr: begin + (final − begin)·num_update/warmup_steps for num_update < warmup_steps
    const lin = new CosineScheduler({ maxUpdate: 8, baseLr: 1, warmupSteps: 4, warmupBeginLr: 0.2 });
    expect([0, 1, 2, 3].map((n) => lin.learningRate(n))).toEqual([0.2, 0.4, 0.6000000000000001, 0.8]);
    expect(lin.learningRate(4)).toBe(1); // the decay starts: (1 + cos 0)/2 = 1
    const con = new FactorScheduler({
      step: 10,
      baseLr: 1,
      warmupSteps: 3,
      warmupBeginLr: 0.5,
      warmupMode: 'constant',
    });
    expect([1, 2].map((n) => con.learningRate(n))).toEqual([0.5, 0.5]);
  });

  it('refuses what MXNet refuses, with its messages', () => {
    expectError(() => new FactorScheduler({ step: 0 }), ConfigError, /greater or equal than 1 round, got 0/);
    expectError(() => new FactorScheduler({ step: 1, factor: 2 }), ConfigError, /no more than 1.*got 2/);
    expectError(() => new MultiFactorScheduler({ step: [3, 2] }), ConfigError, /increasing integer list: \[3,2\]/);
    expectError(() => new PolyScheduler({ maxUpdate: 0 }), ConfigError, /strictly positive, got 0/);
    expectError(() => new CosineScheduler({ maxUpdate: 3, baseLr: 0.1, warmupBeginLr: 1 }), ConfigError, /higher/);
    expectError(() => new CosineScheduler({ maxUpdate: 3, warmupMode: 'cubic' as never }), ConfigError, /cubic/);
  });

  it('state() and setState() continue a schedule exactly', () => {
    const a = new MultiFactorScheduler({ step: [2, 5], factor: 0.5, baseLr: 1 });
    rates(a, 3);
    const b = new MultiFactorScheduler({ step: [2, 5], factor: 0.5, baseLr: 1 });
    b.setState(a.state());
    expect([4, 5, 6].map((n) => b.learningRate(n))).toEqual([4, 5, 6].map((n) => a.learningRate(n)));
    expect(() => b.setState([1])).toThrow(SoftmaxError);
  });
});

describe('Trainer with lrScheduler, lrMult and wdMult', () => {
  const made: Parameter[] = [];
  afterEach(() => made.splice(0).forEach((p) => p.dispose()));
  function param(v: number, options = {}): Parameter {
    const p = new Parameter('w', { shape: [1], ...options });
    p.initialize(Constant(v));
    made.push(p);
    return p;
  }
  /** k steps with gradient `g` on batch 1; the value after each. */
  function run(trainer: Trainer, p: Parameter, k: number, g = 1): number[] {
    return Array.from({ length: k }, () => {
      p.setGrad(tf.tensor1d([g]));
      trainer.step(1);
      return valuesOf(p)[0] as number;
    });
  }

  it('updates with the schedule at num_update = 1, 2, ... and reports it as learningRate', () => {
    const p = param(0);
    const t = new Trainer(new Map([['w', p]]), 'sgd', {
      lrScheduler: new FactorScheduler({ step: 2, factor: 0.5, baseLr: 1 }),
    });
    expect(t.learningRate).toBe(1);
    // rates 1, 1, 0.5, 0.5 ⇒ w = −1, −2, −2.5, −3
    expect(run(t, p, 4)).toEqual([-1, -2, -2.5, -3]);
    expect(t.learningRate).toBe(0.5);
    t.dispose();
  });

  it('a given learningRate replaces the schedule base (with a warning), as MXNet 1.x does; setLearningRate is refused', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const errorSpy = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const p = param(0);
    const s = new FactorScheduler({ step: 1, factor: 0.5, baseLr: 1 });
    const t = new Trainer(new Map([['w', p]]), 'sgd', { learningRate: 4, lrScheduler: s });
    expect(s.baseLr).toBe(4);
    expect(run(t, p, 2)).toEqual([-4, -6]);
    expectError(() => t.setLearningRate(0.1), SoftmaxError, /has an lrScheduler/);
    warn.mockRestore();
    errorSpy.mockRestore();
    t.dispose();
  });

  it('lrMult multiplies the learning rate; wdMult the weight decay, read at every step (the book sets it after)', () => {
    // sgd: w ← (1 − lr·wd·wdMult)·w − lr·lrMult·g
    const a = param(1);
    const b = param(1);
    const t = new Trainer(
      new Map([
        ['a', a],
        ['b', b],
      ]),
      'sgd',
      { learningRate: 0.5, wd: 0.1 },
    );
    b.wdMult = 0;
    b.lrMult = 2;
    for (const p of [a, b]) p.setGrad(tf.tensor1d([1]));
    t.step(1);
    expect(valuesOf(a)[0]).toBeCloseTo((1 - 0.5 * 0.1) * 1 - 0.5, 6); // 0.45
    expect(valuesOf(b)[0]).toBeCloseTo(1 - 0.5 * 2, 6); // 0: no decay, twice the step
    t.dispose();
  });

  it('exportStates/importStates carry num_update and the schedule: a restored Trainer continues the same rates', () => {
    const p = param(0);
    const mk = (): Trainer =>
      new Trainer(new Map([['w', p]]), 'sgd', {
        lrScheduler: new FactorScheduler({ step: 1, factor: 0.5, baseLr: 1 }),
      });
    const t1 = mk();
    run(t1, p, 3); // rates 1, .5, .25
    const { meta, arrays } = t1.exportStates();
    expect(meta.numUpdate).toBe(3);
    const t2 = mk();
    t2.importStates('memory', meta, new Map(arrays.map((a) => [a.name, a])));
    expect(t2.learningRate).toBe(0.25);
    const before = valuesOf(p)[0] as number;
    expect(run(t2, p, 1)[0]).toBe(before - 0.125);
    t1.dispose();
    t2.dispose();
  });
});
