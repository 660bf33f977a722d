/**
 * nn.Activation, nn.Flatten and nn.Dropout (gluon.nn semantics): values from the definitions, shapes,
 * Dropout acting only in training mode, its mask statistics and exact scaling, gradients, repr, memory.
 */
import * as autograd from '../../../src/core/autograd/index.js';
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, ShapeError } from '../../../src/core/errors.js';
import { Activation } from '../../../src/core/nn/activation.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Dropout } from '../../../src/core/nn/dropout.js';
import { Flatten } from '../../../src/core/nn/flatten.js';
import { Constant } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import '../../../src/node/setup.js';
import { describeOn } from '../../backends.js';
import { expectClose, expectError, expectNoLeak, values } from '../../helpers.js';

const xs = [-3, -0.5, 0, 0.5, 3];
const expected: Record<string, (x: number) => number> = {
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  softrelu: (x) => Math.log(1 + Math.exp(x)),
  softsign: (x) => x / (1 + Math.abs(x)),
};

describeOn(['cpu', 'wasm', 'blas'], 'nn.Activation', (backend) => {
  beforeAll(async () => void (await initBackend(backend)));
  afterAll(async () => void (await initBackend('cpu')));

  it.each(Object.keys(expected))('%s matches its definition element-wise, keeping the shape', (name) => {
    const act = new Activation(name as never);
    const x = tf.tensor2d([xs, xs.map((v) => v * 2)]);
    const y = act.forward(x);
    expect(y.shape).toEqual([2, 5]);
    expectClose(values(y), [...xs, ...xs.map((v) => v * 2)].map(expected[name] as (x: number) => number));
    expect(act.toString()).toBe(`Activation(${name})`);
    tf.dispose([x, y]);
  });
});

describe('nn.Activation names', () => {
  it('refuses an unknown activation, naming it and the known ones', () => {
    expectError(() => new Activation('gelu' as never), ConfigError, /Unknown activation 'gelu'.*relu, sigmoid/);
  });
});

describe('nn.Flatten', () => {
  it('flattens all axes but the first: [17,2,5,3] -> [17,30], [4] -> [4,1], [0,3,2] -> [0,6]', () => {
    const f = new Flatten();
    for (const [shape, out] of [
      [
        [17, 2, 5, 3],
        [17, 30],
      ],
      [[4], [4, 1]],
      [
        [0, 3, 2],
        [0, 6],
      ],
    ] as const) {
      const x = tf.zeros([...shape]);
      const y = f.forward(x);
      expect(y.shape).toEqual(out);
      tf.dispose([x, y]);
    }
    expect(f.toString()).toBe('Flatten');
    const s = tf.scalar(1);
    expectError(() => f.forward(s), ShapeError, /scalar/);
    s.dispose();
  });
});

describe('nn.Dropout', () => {
  const x = tf.ones([200, 250]); // 50,000 elements

  afterAll(() => x.dispose());

  it('passes the input through outside record and in predictMode (Gluon: only in training mode)', () => {
    const d = new Dropout(0.5);
    const out = d.forward(x);
    expect(values(out).every((v) => v === 1)).toBe(true);
    let inPredict: number[] = [];
    autograd
      .record(() => {
        const y = autograd.predictMode(() => d.forward(x));
        inPredict = values(y);
        return { l: tf.sum(y) };
      })
      .dispose();
    expect(inPredict.every((v) => v === 1)).toBe(true);
    out.dispose();
  });

  it.each([0.2, 0.5, 0.8])('with rate %p in training drops about that fraction and scales the rest by 1/(1-p)', (p) => {
    seed(11);
    const d = new Dropout(p);
    const y = autograd.trainMode(() => d.forward(x));
    const v = values(y);
    const kept = v.filter((e) => e !== 0);
    // Binomial(50000, 1-p): 6 standard deviations is far beyond chance.
    const sd = Math.sqrt(50000 * p * (1 - p));
    expect(Math.abs(kept.length - 50000 * (1 - p))).toBeLessThan(6 * sd);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / (1 - p))]));
    y.dispose();
  });

  it('shares one mask value along `axes` (Gluon axes=(1,): whole rows kept or dropped)', () => {
    seed(2);
    const y = autograd.trainMode(() => new Dropout(0.5, { axes: [1] }).forward(x));
    const rows = tf.tidy(() => values(tf.max(y, 1)).map((mx, i) => [mx, values(tf.min(y, 1))[i]]));
    expect(rows.every(([mx, mn]) => mx === mn)).toBe(true);
    const keptRows = rows.filter(([mx]) => mx !== 0).length;
    expect(keptRows).toBeGreaterThan(50);
    expect(keptRows).toBeLessThan(150);
    expect(new Dropout(0.5, { axes: [1] }).toString()).toBe('Dropout(p = 0.5, axes=(1,))');
    expect(new Dropout(0.2).toString()).toBe('Dropout(p = 0.2, axes=())');
    y.dispose();
  });

  it('rate 0 is the identity and rate 1 gives zeros, in training too', () => {
    const [a, b] = autograd.trainMode(() => [new Dropout(0).forward(x), new Dropout(1).forward(x)]);
    expect(values(a as tf.Tensor).every((v) => v === 1)).toBe(true);
    expect(values(b as tf.Tensor).every((v) => v === 0)).toBe(true);
    tf.dispose([a as tf.Tensor, b as tf.Tensor]);
  });

  it('repeats its masks for the same seed, and draws new ones batch after batch', () => {
    const draw = (): number[] => {
      const y = autograd.trainMode(() => new Dropout(0.5).forward(x));
      const v = values(y);
      y.dispose();
      return v;
    };
    seed(5);
    const [a1, a2] = [draw(), draw()];
    seed(5);
    expect(draw()).toEqual(a1);
    expect(a2).not.toEqual(a1);
  });

  it('its gradient is the mask times 1/(1-p), the same mask as the forward pass', () => {
    seed(7);
    const net = new Sequential().add(new Dense(1, { inUnits: 6, useBias: false, weightInitializer: Constant(1) }));
    net.initialize();
    const d = new Dropout(0.5);
    const X = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    // l = Σ dropout(X)·w, so dl/dw = dropout(X) itself: mask·X·2.
    const r = autograd.record(() => {
      const h = d.forward(X);
      return { h, l: net.forward(h) };
    });
    r.backward();
    const h = values(r.h);
    expect(values(net.collectParams().get('0.weight')!.grad!)).toEqual(h);
    expect(h.every((v, i) => v === 0 || v === 2 * (i + 1))).toBe(true);
    r.dispose();
    X.dispose();
    net.dispose();
  });

  it('frees every intermediate', () => {
    const d = new Dropout(0.3);
    expectNoLeak(() => void autograd.trainMode(() => d.forward(x)).dispose());
    expectNoLeak(() => void d.forward(x).dispose());
  });

  it('refuses a rate outside [0, 1]', () => {
    expectError(() => new Dropout(1.5), ConfigError, /dropout rate in \[0, 1\], but got 1.5/);
    expectError(() => new Dropout(Number.NaN), ConfigError, /but got NaN/);
  });
});
