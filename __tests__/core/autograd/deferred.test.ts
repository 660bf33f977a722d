/** record() completes deferred initialization with one untaped pass, and only when it is needed. */
import { record } from '../../../src/core/autograd/record.js';
import { tf } from '../../../src/core/backend/tf.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';

it('dry-runs once for a deferred network, never again for one it does not reach', () => {
  const unused = new Dense(3);
  unused.initialize(Constant(1));
  const net = new Dense(2);
  net.initialize(Constant(0.5));
  const X = tf.ones([4, 3]);
  let calls = 0;
  const step = () => {
    const r = record(() => {
      calls += 1;
      const yHat = net.forward(X);
      return { yHat, l: tf.sum(yHat, 1) };
    });
    r.backward();
    r.dispose();
  };
  step();
  expect(calls).toBe(2); // the dry run that creates W, then the taped pass
  // d(Σ_batch Σ_units (x·Wᵀ + b))/dW = Σ_batch x = 4 for every element; /db = 4.
  expect(Array.from(net.weight.grad!.dataSync())).toEqual(new Array(6).fill(4));
  expect(Array.from(net.bias!.grad!.dataSync())).toEqual([4, 4]);
  step();
  expect(calls).toBe(3); // `unused` is still deferred, but no second dry run for it
  expect(unused.weight.deferred).toBe(true);
  X.dispose();
  net.dispose();
  unused.dispose();
});
