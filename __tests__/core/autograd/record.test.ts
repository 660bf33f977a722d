/** autograd.record: ownership of outputs, backward semantics (vector loss, stale params), memory. */
import { record } from '../../../src/core/autograd/record.js';
import { tf } from '../../../src/core/backend/tf.js';
import { SoftmaxError } from '../../../src/core/errors.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import { expectError, expectNoLeak, gradOf, valuesOf } from '../../helpers.js';

const nets: Dense[] = [];
afterEach(() => nets.splice(0).forEach((n) => n.dispose()));

/** An initialized Dense(units) with Constant weights; deferred unless inUnits is given. */
function dense(units: number, inUnits = 0): Dense {
  const net = new Dense(units, { inUnits, weightInitializer: Constant(0.5), biasInitializer: Constant(0.1) });
  net.initialize();
  nets.push(net);
  return net;
}

/** record → backward → dispose of Σ-per-example outputs of `net` on `X`. */
function backwardOn(net: Dense, X: tf.Tensor): void {
  const r = record(() => ({ l: tf.sum(net.forward(X), 1) }));
  r.backward();
  r.dispose();
}

const X = () =>
  tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('record', () => {
  it('returns the outputs, owned by the recording until dispose()', () => {
    const net = dense(2, 3);
    const x = X();
    const r = record(() => {
      const yHat = net.forward(x);
      return { yHat, l: tf.sum(yHat, 1) };
    });
    expect(r.yHat.shape).toEqual([2, 2]);
    expect(r.l.shape).toEqual([2]);
    expect([r.yHat.isDisposed, r.l.isDisposed]).toEqual([false, false]);
    r.backward();
    r.dispose();
    expect([r.yHat.isDisposed, r.l.isDisposed]).toEqual([true, true]);
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  // y_ik = Σ_j x_ij W_kj + b_k; d(Σ_ik y_ik)/dW_kj = Σ_i x_ij = [1+4, 2+5, 3+6]; d/db_k = batch = 2.
  it('gives a vector loss the gradient of its sum', () => {
    const expectedW = [5, 7, 9, 5, 7, 9];
    for (const reduce of [(y: tf.Tensor) => tf.sum(y, 1), (y: tf.Tensor) => tf.sum(y)]) {
      const net = dense(2, 3);
      const x = X();
      const r = record(() => ({ l: reduce(net.forward(x)) }));
      r.backward();
      r.dispose();
      expect(gradOf(net.weight)).toEqual(expectedW);
      expect(gradOf(net.bias!)).toEqual([2, 2]);
      expect(net.weight.freshGrad).toBe(true);
      x.dispose();
    }
  });

  it('overwrites the previous gradient (and frees it)', () => {
    const net = dense(1, 3);
    const x = X();
    backwardOn(net, x);
    const first = net.weight.grad;
    backwardOn(net, x);
    expect(first?.isDisposed).toBe(true);
    expect(gradOf(net.weight)).toEqual([5, 7, 9]);
    x.dispose();
  });

  it('throws SoftmaxError when backward() is called twice', () => {
    const net = dense(2, 3);
    const x = X();
    const r = record(() => ({ l: tf.sum(net.forward(x), 1) }));
    r.backward();
    expectError(() => r.backward(), SoftmaxError, /backward\(\) was already called/);
    r.dispose();
    x.dispose();
  });

  it('leaves parameters the loss does not use with their stale gradient (freshGrad false)', () => {
    const [used, unused] = [dense(2, 3), dense(2, 3)];
    const x = X();
    backwardOn(unused, x);
    const staleGrad = unused.weight.grad;
    unused.weight.freshGrad = false; // as Trainer.step leaves it
    backwardOn(used, x);
    expect(used.weight.freshGrad).toBe(true);
    expect(unused.weight.freshGrad).toBe(false);
    expect(unused.weight.grad).toBe(staleGrad);
    expect(gradOf(unused.weight)).toEqual([5, 7, 9, 5, 7, 9]);
    x.dispose();
  });

  it('gives no gradient to a parameter with gradReq null', () => {
    const frozen = new Parameter('frozen', { shape: [3], gradReq: 'null' });
    frozen.initialize(Constant(2));
    const x = X();
    const r = record(() => ({ l: tf.sum(tf.mul(x, frozen.data()), 1) }));
    r.backward();
    r.dispose();
    expect(frozen.grad).toBeNull();
    expect(frozen.freshGrad).toBe(false);
    x.dispose();
    frozen.dispose();
  });

  it('throws SoftmaxError when fn does not return { l }', () => {
    const noLoss = (() => ({})) as unknown as () => { l: tf.Tensor };
    expectError(() => record(noLoss), SoftmaxError, /must return \{ l: lossTensor/);
  });
});

describe('record with deferred initialization', () => {
  // (deferred.test.ts covers one deferred network.) y = x·Wᵀ + b, l_i = Σ_k y_ik ⇒ dW_k = Σ_i x_i = [5, 7, 9].
  it('gives gradients to a deferred network trained after another one', () => {
    const [first, second] = [dense(2), dense(2)];
    const x = X();
    backwardOn(first, x); // `second` is still deferred: this recording does not reach it
    expect(second.weight.deferred).toBe(true);
    backwardOn(second, x);
    expect(second.inUnits).toBe(3);
    expect(second.weight.grad).not.toBeNull();
    expect(gradOf(second.weight)).toEqual([5, 7, 9, 5, 7, 9]);
    expect(gradOf(second.bias!)).toEqual([2, 2]);
    x.dispose();
  });
});

describe('record memory', () => {
  it('record + backward + dispose leaves numTensors unchanged', () => {
    const net = dense(4);
    const x = X();
    expectNoLeak(() => {
      const r = record(() => {
        const yHat = net.forward(x);
        return { yHat, l: tf.sum(yHat, 1) };
      });
      r.backward();
      r.dispose();
    });
    x.dispose();
  });

  it('dispose() without backward() frees the unpublished gradients too', () => {
    const net = dense(4, 3);
    const x = X();
    expectNoLeak(() => record(() => ({ l: tf.sum(net.forward(x), 1) })).dispose());
    expect(valuesOf(net.weight)).toHaveLength(12);
    x.dispose();
  });
});
