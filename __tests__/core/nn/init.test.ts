/** Initializers: statistics from their definitions, Xavier's bound, seeding, errors, memory. */
import { ConfigError } from '../../../src/core/errors.js';
import { Constant, Normal, Ones, Uniform, Xavier, Zeros } from '../../../src/core/nn/init.js';
import type { Initializer } from '../../../src/core/nn/init.js';
import { seed } from '../../../src/core/random.js';
import { expectError, expectNoLeak, values } from '../../helpers.js';

/** Draws `shape` from `init` and returns the values (float64 statistics are computed in JS). */
function draw(init: Initializer, shape: number[]): number[] {
  const t = init.create(shape);
  expect(t.shape).toEqual(shape);
  expect(t.dtype).toBe('float32');
  const v = values(t);
  t.dispose();
  return v;
}

function stats(v: number[]): { mean: number; std: number; min: number; max: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, min: v.reduce((a, x) => Math.min(a, x)), max: v.reduce((a, x) => Math.max(a, x)) };
}

const N = 200_000;

describe('init', () => {
  beforeEach(() => seed(0));

  // Sample mean of N(0, σ²) has standard error σ/√N = 0.5/447 ≈ 0.0011; sample std within ~0.2%.
  it('Normal(σ) draws mean ≈ 0 and std ≈ σ', () => {
    const { mean, std } = stats(draw(Normal(0.5), [N]));
    expect(Math.abs(mean)).toBeLessThan(0.006);
    expect(std).toBeGreaterThan(0.5 * 0.99);
    expect(std).toBeLessThan(0.5 * 1.01);
  });

  it('Normal defaults to σ = 0.01', () => {
    expect(Normal().name).toBe('Normal(0.01)');
    const { std } = stats(draw(Normal(), [N]));
    expect(std).toBeCloseTo(0.01, 3);
  });

  // U[−a, a): mean 0, std a/√3; every value in range, the extremes close to ±a.
  it('Uniform(a) stays in [−a, a) and has std a/√3 (default a = 0.07)', () => {
    const { mean, std, min, max } = stats(draw(Uniform(), [N]));
    expect(min).toBeGreaterThanOrEqual(-0.07);
    expect(max).toBeLessThan(0.07);
    expect(min).toBeLessThan(-0.0699);
    expect(max).toBeGreaterThan(0.0699);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeCloseTo(0.07 / Math.sqrt(3), 3);
  });

  // Xavier (uniform, avg, magnitude 3) on [30, 20]: fanIn 20, fanOut 30, bound √(3 / ((20 + 30)/2)) = √0.12.
  it('Xavier() draws uniform on ±√(3 / ((fanIn + fanOut)/2))', () => {
    const bound = Math.sqrt(3 / ((20 + 30) / 2));
    const { min, max } = stats(draw(Xavier(), [30, 20]));
    expect(Math.max(-min, max)).toBeLessThanOrEqual(bound);
    // 600 draws all within 0.95·bound has probability 0.95^600 ≈ 4e-14.
    expect(Math.max(-min, max)).toBeGreaterThan(0.95 * bound);
  });

  // [4, 3, 5, 5]: receptive field 25, fanIn = 3·25 = 75, fanOut = 4·25 = 100.
  it('Xavier counts the receptive field in fanIn and fanOut', () => {
    const bound = Math.sqrt(3 / ((75 + 100) / 2));
    const { min, max } = stats(draw(Xavier(), [4, 3, 5, 5]));
    expect(Math.max(-min, max)).toBeLessThanOrEqual(bound);
    expect(Math.max(-min, max)).toBeGreaterThan(0.95 * bound);
  });

  // gaussian, factor 'in', magnitude 2 (He) on [500, 400]: σ = √(2/400).
  it('Xavier gaussian draws std √(magnitude / factor)', () => {
    const { mean, std } = stats(draw(Xavier({ rndType: 'gaussian', factorType: 'in', magnitude: 2 }), [500, 400]));
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std / Math.sqrt(2 / 400)).toBeCloseTo(1, 2);
  });

  it('Constant, Zeros and Ones fill every element', () => {
    expect(draw(Constant(-1.5), [2, 2])).toEqual([-1.5, -1.5, -1.5, -1.5]);
    expect(draw(Zeros(), [3])).toEqual([0, 0, 0]);
    expect(draw(Ones(), [2])).toEqual([1, 1]);
  });

  it('random.seed makes the draws repeatable', () => {
    seed(42);
    const a = [draw(Normal(1), [50]), draw(Uniform(1), [50])];
    seed(42);
    const b = [draw(Normal(1), [50]), draw(Uniform(1), [50])];
    expect(b).toEqual(a);
    seed(43);
    expect(draw(Normal(1), [50])).not.toEqual(a[0]);
  });

  it('throws ConfigError naming a bad argument', () => {
    expectError(() => Normal(-1), ConfigError, /sigma.*-1/);
    expectError(() => Uniform(0), ConfigError, /scale.*but got 0\./);
    expectError(() => Constant(Number.POSITIVE_INFINITY), ConfigError, /Infinity/);
    expectError(() => Xavier({ magnitude: Number.NaN }), ConfigError, /magnitude.*NaN/);
    expectError(() => Xavier().create([5]), ConfigError, /at least 2 dimensions.*\[5\]/);
  });

  it('leaves numTensors unchanged beyond the tensor it returns', () => {
    expectNoLeak(() => {
      for (const init of [Normal(), Uniform(), Xavier(), Constant(2), Zeros()]) init.create([4, 3]).dispose();
    });
  });
});
