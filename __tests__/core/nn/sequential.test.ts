/** Sequential and Block: initialize semantics, collectParams keys, get, repr, memory. */
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError } from '../../../src/core/errors.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant, Normal, Zeros } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { expectError, expectNoLeak, values, valuesOf } from '../../helpers.js';

/** Completes deferred initialization with one forward of zeros [1, features]. */
function forwardZeros(net: Sequential, features: number): void {
  tf.tidy(() => net.forward(tf.zeros([1, features]))).dispose();
}

function dense(net: Sequential, i: number): Dense {
  const block = net.get(i);
  if (!(block instanceof Dense)) throw new Error(`block ${i} is not a Dense`);
  return block;
}

describe('initialize (Gluon: the argument is only a default)', () => {
  it('uses Normal for the weight and keeps the bias at 0 (its own Zeros init wins)', () => {
    seed(0);
    const net = new Sequential().add(new Dense(10));
    net.initialize(Normal(0.01));
    forwardZeros(net, 20);
    const W = valuesOf(dense(net, 0).weight);
    expect(W.some((w) => w !== 0)).toBe(true);
    expect(Math.max(...W.map(Math.abs))).toBeLessThan(0.06); // 6σ
    expect(valuesOf(dense(net, 0).bias!)).toEqual(new Array(10).fill(0));
    net.dispose();
  });

  it('defaults to Uniform(0.07) where Parameter.init is unset', () => {
    seed(0);
    const net = new Sequential().add(new Dense(4, { inUnits: 50 }));
    net.initialize();
    const W = valuesOf(dense(net, 0).weight);
    expect(Math.max(...W.map(Math.abs))).toBeLessThanOrEqual(0.07);
    // 200 draws on [−0.07, 0.07): all within 0.06 has probability (6/7)^200 ≈ 4e-14.
    expect(Math.max(...W.map(Math.abs))).toBeGreaterThan(0.06);
    expect(valuesOf(dense(net, 0).bias!)).toEqual([0, 0, 0, 0]);
    net.dispose();
  });

  it('lets weightInitializer win over the initialize() argument', () => {
    const net = new Sequential().add(new Dense(3, { inUnits: 2, weightInitializer: Constant(2) }));
    net.initialize(Constant(5));
    expect(valuesOf(dense(net, 0).weight)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(valuesOf(dense(net, 0).bias!)).toEqual([0, 0, 0]);
    net.dispose();
  });

  it('warns (SoftmaxWarning) and keeps the values when already initialized', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const net = new Sequential().add(new Dense(3, { inUnits: 2 }));
    net.initialize(Constant(1));
    net.initialize(Constant(9));
    expect(valuesOf(dense(net, 0).weight)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(warn).toHaveBeenCalledTimes(2); // weight and bias
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/'dense\d+\/weight' is already initialized.*forceReinit/),
      'SoftmaxWarning',
    );
    warn.mockRestore();
    net.dispose();
  });

  it('re-draws with forceReinit (params without their own init take the new default)', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const net = new Sequential().add(new Dense(3, { inUnits: 2, biasInitializer: Constant(4) }));
    net.initialize(Constant(1));
    net.initialize(Constant(9), { forceReinit: true });
    expect(valuesOf(dense(net, 0).weight)).toEqual([9, 9, 9, 9, 9, 9]);
    expect(valuesOf(dense(net, 0).bias!)).toEqual([4, 4, 4]);
    seed(1);
    net.initialize(Normal(1), { forceReinit: true });
    const first = valuesOf(dense(net, 0).weight);
    net.initialize(Normal(1), { forceReinit: true });
    expect(valuesOf(dense(net, 0).weight)).not.toEqual(first);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    net.dispose();
  });
});

describe('collectParams', () => {
  it("keys parameters structurally ('0.weight', '0.bias', '1.weight', ...) in order", () => {
    const net = new Sequential().add(new Dense(4, { inUnits: 3 }), new Dense(2, { useBias: false }));
    expect([...net.collectParams().keys()]).toEqual(['0.weight', '0.bias', '1.weight']);
    expect(net.collectParams().get('0.weight')).toBe(dense(net, 0).weight);
  });

  it("keeps only the keys select matches from their start, as Gluon's re.match", () => {
    const net = new Sequential().add(new Dense(4), new Dense(2), new Dense(1));
    expect([...net.collectParams(/.*weight$/).keys()]).toEqual(['0.weight', '1.weight', '2.weight']);
    // re.match('weight$', '0.weight') is None in Python: a pattern must match at the start.
    expect([...net.collectParams(/weight$/).keys()]).toEqual([]);
    expect([...net.collectParams(/^1\./).keys()]).toEqual(['1.weight', '1.bias']);
  });

  it('matches every key with a global or sticky RegExp (test() would carry lastIndex over)', () => {
    const net = new Sequential().add(...[4, 2, 1].map((units) => new Dense(units, { useBias: false })));
    expect([...net.collectParams(/.*weight/g).keys()]).toEqual(['0.weight', '1.weight', '2.weight']);
    expect([...net.collectParams(/\d/y).keys()]).toEqual(['0.weight', '1.weight', '2.weight']);
  });
});

describe('Sequential', () => {
  it('applies its blocks in order (hand-checkable with Constant)', () => {
    // x = ones [1, 2]; layer 0: 2·1 + 0 = 2 per unit (3 units); layer 1: 3·(2·0.5) + 1 = 4.
    const net = new Sequential().add(
      new Dense(3, { weightInitializer: Constant(1) }),
      new Dense(1, { weightInitializer: Constant(0.5), biasInitializer: Constant(1) }),
    );
    net.initialize();
    const x = tf.ones([1, 2]);
    const y = net.forward(x);
    expect(values(y)).toEqual([4]);
    tf.dispose([x, y]);
    net.dispose();
  });

  it('get(i) returns the i-th block, negative i from the end, and ConfigError out of range', () => {
    const a = new Dense(2);
    const b = new Dense(3);
    const net = new Sequential().add(a, b);
    expect(net.get(0)).toBe(a);
    expect(net.get(1)).toBe(b);
    expect(net.get(-1)).toBe(b);
    expect(net.length).toBe(2);
    expectError(() => net.get(2), ConfigError, /2 blocks; index 2 is out of range/);
  });

  it("prints Gluon's repr with shapes", () => {
    const net = new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10));
    expect(net.toString()).toBe(
      'Sequential(\n  (0): Dense(None -> 256, Activation(relu))\n  (1): Dense(None -> 10, linear)\n)',
    );
    net.initialize(Zeros());
    forwardZeros(net, 784);
    expect(net.toString()).toBe(
      'Sequential(\n  (0): Dense(784 -> 256, Activation(relu))\n  (1): Dense(256 -> 10, linear)\n)',
    );
    net.dispose();
  });

  it('leaves numTensors unchanged per forward and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const net = new Sequential().add(new Dense(5, { activation: 'sigmoid' }), new Dense(3));
    net.initialize();
    const x = tf.ones([2, 7]);
    expectNoLeak(() => net.forward(x).dispose());
    x.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
