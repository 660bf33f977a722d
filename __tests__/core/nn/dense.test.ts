/** Dense: deferred init, Gluon's shape contracts, hand-checkable outputs, repr, errors, memory. */
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, DeferredInitializationError, ShapeError } from '../../../src/core/errors.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant, Zeros } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { expectClose, expectError, expectNoLeak, values, valuesOf } from '../../helpers.js';

/** Output shape and values of `net` on a tensor of `shape` filled with `fill`. */
function run(net: Dense, shape: number[], fill = 1): { shape: number[]; y: number[] } {
  const x = tf.fill(shape, fill);
  const out = net.forward(x);
  const result = { shape: out.shape, y: values(out) };
  tf.dispose([x, out]);
  return result;
}

describe('Dense deferred initialization', () => {
  it('infers inUnits on the first forward and initializes then', () => {
    const net = new Dense(10);
    net.initialize(Constant(0.5));
    expect(net.inUnits).toBe(0);
    expect(net.weight.shape).toEqual([10, 0]);
    expect(net.weight.deferred).toBe(true);
    expect(net.bias?.initialized).toBe(true); // [units] is known at once
    run(net, [2, 784]);
    expect(net.inUnits).toBe(784);
    expect(net.weight.shape).toEqual([10, 784]);
    expect(net.weight.data().shape).toEqual([10, 784]);
    expect(net.weight.deferred).toBe(false);
    net.dispose();
  });

  it('throws DeferredInitializationError from data() before the first batch, telling how to fix it', () => {
    const net = new Dense(10);
    net.initialize();
    expectError(() => net.weight.data(), DeferredInitializationError, /weight'.*\[10,0\].*one batch.*inUnits/s);
    net.dispose();
  });
});

describe('in a Sequential (issue 12)', () => {
  it('the deferred-init error names the parameter by its key, 0.weight, not its variable name', () => {
    const net = new Sequential().add(new Dense(10));
    net.initialize();
    const err = expectError(
      () => net.collectParams().get('0.weight')?.data(),
      DeferredInitializationError,
      /^Parameter '0\.weight' has not been initialized yet/,
    );
    expect(err.message).not.toMatch(/dense\d+\/weight/);
    net.dispose();
  });

  it('String(net) is the summary the README shows', () => {
    const net = new Sequential().add(new Dense(10));
    net.initialize();
    expect(String(net)).toBe('Sequential(\n  (0): Dense(None -> 10, linear)\n)');
    net.forward(tf.zeros([2, 784])).dispose();
    expect(String(net)).toBe('Sequential(\n  (0): Dense(784 -> 10, linear)\n)');
    net.dispose();
  });
});

describe('Dense shape contracts (STYLE §2)', () => {
  it('flatten: true maps [17,2,5,3] to [17, units] with weight [units, 30]', () => {
    const net = new Dense(4);
    net.initialize(Zeros());
    expect(run(net, [17, 2, 5, 3])).toEqual({ shape: [17, 4], y: new Array(17 * 4).fill(0) });
    expect(net.weight.data().shape).toEqual([4, 30]);
    net.dispose();
  });

  it('flatten: false applies to the last axis: [2,3,10] to [2,3,units]', () => {
    // Weight Constant(0.1), bias 0, x = ones: every output is 10·0.1 = 1.
    const net = new Dense(5, { flatten: false, weightInitializer: Constant(0.1) });
    net.initialize();
    const { shape, y } = run(net, [2, 3, 10]);
    expect(shape).toEqual([2, 3, 5]);
    expectClose(y, new Array(30).fill(1), 1e-6);
    expect(net.weight.data().shape).toEqual([5, 10]);
    net.dispose();
  });

  it('stores the weight as [units, inUnits]', () => {
    const net = new Dense(3, { inUnits: 7 });
    net.initialize();
    expect(net.weight.data().shape).toEqual([3, 7]);
    expect(net.bias?.data().shape).toEqual([3]);
    net.dispose();
  });
});

describe('Dense outputs', () => {
  // Constant(0.5) weight, Constant(1) bias, x = ones [2, 3]: y = 3·0.5 + 1 = 2.5 everywhere.
  it('computes flatten(x)·Wᵀ + b (Constant initializers)', () => {
    const net = new Dense(2, { inUnits: 3, weightInitializer: Constant(0.5), biasInitializer: Constant(1) });
    net.initialize();
    expect(run(net, [2, 3])).toEqual({ shape: [2, 2], y: [2.5, 2.5, 2.5, 2.5] });
    net.dispose();
  });

  // W = [[1,2,3],[4,5,6]], b = [0.5,-0.5], x = [1,1,0]: x·Wᵀ = [1+2, 4+5] = [3, 9]; + b = [3.5, 8.5].
  // A [inUnits, units] layout would have mixed rows and columns.
  it('uses row k of W for output k', () => {
    const net = new Dense(2, { inUnits: 3 });
    net.initialize();
    tf.tidy(() => {
      net.weight.setData(
        tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      );
      net.bias?.setData(tf.tensor1d([0.5, -0.5]));
    });
    const x = tf.tensor2d([[1, 1, 0]]);
    const y = net.forward(x);
    expect(values(y)).toEqual([3.5, 8.5]);
    tf.dispose([x, y]);
    net.dispose();
  });

  it('has no bias with useBias: false', () => {
    const net = new Dense(2, { inUnits: 3, useBias: false, weightInitializer: Constant(1) });
    net.initialize(Constant(7));
    expect(net.bias).toBeNull();
    expect([...net.collectParams().keys()]).toEqual(['weight']);
    expect(run(net, [1, 3], 2).y).toEqual([6, 6]); // 3 · (1 · 2)
    net.dispose();
  });

  // Weight Constant(w), x = ones [1, 2], no bias ⇒ pre-activation z = 2w.
  it.each([
    ['relu', -1, 0], // relu(−2) = 0
    ['relu', 1, 2], // relu(2) = 2
    ['sigmoid', 0, 0.5], // 1 / (1 + e⁰)
    ['tanh', 0.5, Math.tanh(1)],
    ['softrelu', 0, Math.LN2], // log(1 + e⁰)
    ['softsign', 1.5, 0.75], // 3 / (1 + |3|)
  ] as const)('applies activation %s', (activation, w, expected) => {
    const net = new Dense(1, { inUnits: 2, activation, useBias: false, weightInitializer: Constant(w) });
    net.initialize();
    expectClose(run(net, [1, 2]).y, [expected], 1e-6);
    net.dispose();
  });
});

describe('Dense repr', () => {
  it("prints Gluon's Dense(in -> units, act)", () => {
    expect(new Dense(10, { inUnits: 784 }).toString()).toBe('Dense(784 -> 10, linear)');
    expect(new Dense(10).toString()).toBe('Dense(None -> 10, linear)');
    expect(new Dense(256, { activation: 'relu' }).toString()).toBe('Dense(None -> 256, Activation(relu))');
  });

  it('shows the inferred input size after the first forward', () => {
    const net = new Dense(10);
    net.initialize(Zeros());
    run(net, [1, 28, 28]);
    expect(net.toString()).toBe('Dense(784 -> 10, linear)');
    net.dispose();
  });
});

describe('Dense errors', () => {
  it('throws ShapeError naming the input shape when the feature count is wrong', () => {
    const net = new Dense(10, { inUnits: 784 });
    net.initialize();
    const x = tf.zeros([2, 5]);
    expectError(() => net.forward(x), ShapeError, /Dense\(784 -> 10, linear\): expected 784 input features.*\[2,5\]/);
    x.dispose();
    net.dispose();
  });

  it('throws ShapeError for a scalar input', () => {
    const net = new Dense(1);
    const x = tf.scalar(1);
    expectError(() => net.forward(x), ShapeError, /scalar/);
    x.dispose();
    net.dispose();
  });

  it.each([0, -3, 2.5, Number.NaN])('throws ConfigError for units %p, naming it', (units) => {
    expectError(() => new Dense(units), ConfigError, new RegExp(`positive integer, but got ${units}\\.`));
  });

  it('throws ConfigError for a bad inUnits or activation, naming it', () => {
    expectError(() => new Dense(2, { inUnits: -1 }), ConfigError, /inUnits.*-1/);
    const activation = 'gelu' as unknown as 'relu';
    expectError(() => new Dense(2, { activation }), ConfigError, /Unknown activation 'gelu'/);
  });
});

describe('Dense memory', () => {
  it('leaves numTensors unchanged per forward (flatten on and off)', () => {
    const flat = new Dense(3, { activation: 'relu' });
    const last = new Dense(3, { flatten: false });
    flat.initialize();
    last.initialize();
    const x = tf.ones([4, 2, 5]);
    expectNoLeak(() => {
      flat.forward(x).dispose();
      last.forward(x).dispose();
    });
    expect(valuesOf(flat.weight)).toHaveLength(30);
    x.dispose();
    flat.dispose();
    last.dispose();
  });

  it('frees its parameters on dispose', () => {
    const before = tf.memory().numTensors;
    const net = new Dense(3, { inUnits: 4 });
    net.initialize();
    expect(tf.memory().numTensors).toBe(before + 2);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
