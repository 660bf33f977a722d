/**
 * The concise loss and its custom gradient give the same numbers on every backend that loads here
 * (a wasm kernel quirk once made them differ: its OneHot ignored a float32 dtype; see wasm-fixes.ts).
 */
import { record } from '../../../src/core/autograd/record.js';
import { backendNames, initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import '../../../src/node/setup.js';
import { describeOn } from '../../backends.js';

async function lossAndGrads(backend: string): Promise<{ l: number[]; dW: number[]; db: number[] }> {
  await initBackend(backend);
  const net = new Dense(3, { inUnits: 4, weightInitializer: Constant(0.1) });
  net.initialize();
  const X = tf.tensor2d([
    [1, 2, 3, 4],
    [0.5, -1, 2, 0],
    [3, 0, -2, 1],
  ]);
  const y = tf.tensor1d([2, 0, 1], 'int32');
  const loss = new SoftmaxCrossEntropyLoss();
  const r = record(() => {
    const yHat = tf.add(net.forward(X), tf.tensor1d([0.3, -0.2, 0.1]));
    return { yHat, l: loss.forward(yHat, y) };
  });
  r.backward();
  const out = {
    l: Array.from(r.l.dataSync()),
    dW: Array.from(net.weight.grad!.dataSync()),
    db: Array.from(net.bias!.grad!.dataSync()),
  };
  r.dispose();
  tf.dispose([X, y]);
  net.dispose();
  return out;
}

afterAll(async () => {
  await initBackend('cpu');
});

describeOn(
  backendNames().filter((b) => b !== 'cpu'),
  'SoftmaxCrossEntropyLoss gives the cpu numbers',
  (backend) => {
    it('loss and gradients within 1e-6', async () => {
      const reference = await lossAndGrads('cpu');
      const got = await lossAndGrads(backend);
      for (const key of ['l', 'dW', 'db'] as const) {
        expect(got[key]).toHaveLength(reference[key].length);
        got[key].forEach((v, i) => expect(Math.abs(v - (reference[key][i] ?? NaN))).toBeLessThan(1e-6));
      }
    });
  },
);

describeOn(backendNames(), 'tf.oneHot with a float32 dtype', (backend) => {
  it('gives 0 and 1', async () => {
    await initBackend(backend);
    const t = tf.oneHot(tf.tensor1d([1, 2], 'int32'), 3, 1, 0, 'float32');
    expect([t.dtype, Array.from(t.dataSync())]).toEqual(['float32', [0, 1, 0, 0, 0, 1]]);
    t.dispose();
  });
});
