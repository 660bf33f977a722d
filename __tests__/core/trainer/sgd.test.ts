/** The pure update rules (MXNet's sgd_update, sgd_mom_update, adam_update kernels), by hand. */
import { tf } from '../../../src/core/backend/tf.js';
import { adamUpdate, sgdUpdate } from '../../../src/core/trainer/sgd.js';
import type { AdamHyper, SgdHyper } from '../../../src/core/trainer/sgd.js';
import { expectClose, expectNoLeak, values } from '../../helpers.js';

const sgd = (h: Partial<SgdHyper>): SgdHyper => ({
  learningRate: 1,
  wd: 0,
  momentum: 0,
  rescaleGrad: 1,
  clipGradient: -1,
  ...h,
});
const adam = (h: Partial<AdamHyper>): AdamHyper => ({
  learningRate: 0.1,
  wd: 0,
  rescaleGrad: 1,
  clipGradient: -1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  ...h,
});

/** One plain SGD step on plain arrays. */
function sgdStep(w: number[], g: number[], h: Partial<SgdHyper>): number[] {
  return tf.tidy(() => values(sgdUpdate(tf.tensor1d(w), tf.tensor1d(g), undefined, sgd(h)).weight));
}

describe('sgdUpdate', () => {
  // w = 0, Σ grad = 4 over a batch of 4, lr 1: rescale 1/4 ⇒ w = 0 − 1·4/4 = −1; rescale 1 ⇒ −4.
  it('gives −1 with rescale 1/4 and −4 with rescale 1 (STYLE §9)', () => {
    expect(sgdStep([0], [4], { rescaleGrad: 1 / 4 })).toEqual([-1]);
    expect(sgdStep([0], [4], { rescaleGrad: 1 })).toEqual([-4]);
  });

  // w ← (1 − lr·wd)·w − lr·rescale·g = (1 − 0.1·0.5)·2 − 0.1·(4/2) = 1.9 − 0.2 = 1.7.
  it('decays the weight by lr·wd', () => {
    expectClose(sgdStep([2], [4], { learningRate: 0.1, wd: 0.5, rescaleGrad: 1 / 2 }), [1.7], 1e-6);
  });

  // clip(rescale·g, ±c) before lr; the wd term is not clipped.
  // g = [40, −40, 2] · 1/4 = [10, −10, 0.5] → clipped to [2, −2, 0.5] ⇒ w = 0 − [2, −2, 0.5].
  // w = 1, wd 0.5, g = 10, c = 2: (1 − 0.5)·1 − 1·2 = −1.5.
  it('clips rescale·grad to [−clipGradient, clipGradient]', () => {
    expect(sgdStep([0, 0, 0], [40, -40, 2], { rescaleGrad: 1 / 4, clipGradient: 2 })).toEqual([-2, 2, -0.5]);
    expect(sgdStep([1], [10], { wd: 0.5, clipGradient: 2 })).toEqual([-1.5]);
  });

  // m ← μ·m − lr·wd·w − lr·g; w ← w + m. lr 0.1, μ 0.9, g = 2 each step, w₀ = 1, m₀ = 0:
  //   wd 0:   m₁ = −0.2,  w₁ = 0.8;   m₂ = 0.9·(−0.2) − 0.2 = −0.38,  w₂ = 0.42.
  //   wd 0.5: m₁ = −0.05 − 0.2 = −0.25, w₁ = 0.75;  m₂ = −0.225 − 0.0375 − 0.2 = −0.4625, w₂ = 0.2875.
  it.each([
    [0, [-0.2, 0.8, -0.38, 0.42]],
    [0.5, [-0.25, 0.75, -0.4625, 0.2875]],
  ])('applies momentum over two steps (wd %p)', (wd, expected) => {
    const h = sgd({ learningRate: 0.1, momentum: 0.9, wd });
    const got = tf.tidy(() => {
      const g = tf.tensor1d([2]);
      const s1 = sgdUpdate(tf.tensor1d([1]), g, tf.zeros([1]), h);
      const s2 = sgdUpdate(s1.weight, g, s1.mom, h);
      return [s1.mom, s1.weight, s2.mom, s2.weight].flatMap((t) => (t === undefined ? [] : values(t)));
    });
    expectClose(got, expected, 1e-6);
  });

  it('returns new tensors, leaves its arguments alone and leaks nothing', () => {
    const [w, g, m] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.zeros([2])];
    expectNoLeak(() => {
      const r = sgdUpdate(w, g, m, sgd({ momentum: 0.9, wd: 0.1, clipGradient: 1 }));
      expect([w, g, m].some((t) => t.isDisposed || t === r.weight || t === r.mom)).toBe(false);
      tf.dispose(r.mom === undefined ? [r.weight] : [r.weight, r.mom]);
      sgdUpdate(w, g, undefined, sgd({})).weight.dispose();
    });
    tf.dispose([w, g, m]);
  });
});

describe('adamUpdate', () => {
  /** Steps on w₀ with the given grads; returns [m, v, w] after each step. */
  function adamSteps(w0: number, grads: number[], h: Partial<AdamHyper>): number[][] {
    return tf.tidy(() => {
      let state: { weight: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } = {
        weight: tf.tensor1d([w0]),
        mean: tf.zeros([1]),
        variance: tf.zeros([1]),
      };
      return grads.map((g, i) => {
        state = adamUpdate(state.weight, tf.tensor1d([g]), state.mean, state.variance, i + 1, adam(h));
        return [state.mean, state.variance, state.weight].flatMap(values);
      });
    });
  }

  // lr 0.1, β₁ 0.9, β₂ 0.999, w₀ = 1.
  // t = 1, g = 0.5:  m = 0.1·0.5 = 0.05;  v = 0.001·0.25 = 0.00025;
  //   lr₁ = 0.1·√(1 − 0.999)/(1 − 0.9) = 0.0316228;  w = 1 − 0.0316228·0.05/(0.0158114 + 1e-8) = 0.9000001.
  // t = 2, g = −1.5: m = 0.045 − 0.15 = −0.105;  v = 0.999·0.00025 + 0.001·2.25 = 0.00249975;
  //   lr₂ = 0.1·√(1 − 0.999²)/(1 − 0.9²) = 0.1·0.0447102/0.19 = 0.0235317;
  //   w = 0.9000001 − 0.0235317·(−0.105/0.0499975) = 0.9000001 + 0.0494189 = 0.9494190.
  it('takes one and two steps with lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and m/(√v + ε)', () => {
    const [s1, s2] = adamSteps(1, [0.5, -1.5], {});
    expectClose(s1 ?? [], [0.05, 0.00025, 0.9000001], 1e-6);
    expectClose(s2 ?? [], [-0.105, 0.00249975, 0.949419], 1e-6);
  });

  // rescale 1/4, g = 8 ⇒ g' = 2: m = 0.2, v = 0.001·4 = 0.004, w = 1 − 0.0316228·0.2/0.0632456 = 0.9.
  it('rescales the gradient', () => {
    expectClose(adamSteps(1, [8], { rescaleGrad: 1 / 4 })[0] ?? [], [0.2, 0.004, 0.9], 1e-6);
  });

  // The kernel: g' = clip(rescale·g + wd·w, ±c). w = 10, g = 0, wd 0.1, c 0.5:
  // g' = clip(0 + 1, ±0.5) = 0.5 ⇒ m = 0.05, v = 0.001·0.25 = 0.00025 (clipping before adding
  // wd·w would give g' = 1, m = 0.1, v = 0.001).
  it('adds wd·w to the rescaled gradient, then clips, as the adam_update kernel', () => {
    const [s1] = adamSteps(10, [0], { wd: 0.1, clipGradient: 0.5 });
    expectClose((s1 ?? []).slice(0, 2), [0.05, 0.00025], 1e-6);
  });

  it('leaks nothing and leaves its arguments alone', () => {
    const [w, g, m, v] = [tf.ones([3]), tf.ones([3]), tf.zeros([3]), tf.zeros([3])];
    expectNoLeak(() => {
      const r = adamUpdate(w, g, m, v, 1, adam({ wd: 0.1, clipGradient: 1 }));
      tf.dispose([r.weight, r.mean, r.variance]);
    });
    expect([w, g, m, v].every((t) => !t.isDisposed)).toBe(true);
    tf.dispose([w, g, m, v]);
  });
});
