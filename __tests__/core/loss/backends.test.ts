/**
 * The concise loss and its custom gradient give the same numbers on every backend that loads here
 * (a wasm kernel quirk once made them differ: its OneHot ignored a float32 dtype; see wasm-fixes.ts).
 */
import { record } from '../../../src/core/autograd/record.js';
import { backendNames, initBackend, tf } from '../../../src/core/backend/registry.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';

async function lossAndGrads(backend: string): Promise<{ l: number[]; dW: number[]; db: number[] } | null> {
  try {
    await initBackend(backend);
  } catch {
    return null; // not available on this machine (tensorflow here; blas without the addon)
  }
  const net = new Dense(3, { inUnits: 4, weightInitializer: Constant(0.1) });
  net.initialize();
  const X = tf.tensor2d([[1, 2, 3, 4], [0.5, -1, 2, 0], [3, 0, -2, 1]]);
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

it('SoftmaxCrossEntropyLoss: same loss and gradients on cpu, blas and wasm', async () => {
  const reference = await lossAndGrads('cpu');
  for (const backend of backendNames().filter((b) => b !== 'cpu')) {
    const got = await lossAndGrads(backend);
    if (got === null) continue;
    for (const key of ['l', 'dW', 'db'] as const) {
      got[key].forEach((v, i) => expect(Math.abs(v - (reference![key][i] ?? NaN))).toBeLessThan(1e-6));
    }
  }
  await initBackend('cpu');
});

it('tf.oneHot with a float32 dtype gives 0 and 1 on every backend', async () => {
  for (const backend of backendNames()) {
    try {
      await initBackend(backend);
    } catch {
      continue;
    }
    const t = tf.oneHot(tf.tensor1d([1, 2], 'int32'), 3, 1, 0, 'float32');
    expect([backend, t.dtype, Array.from(t.dataSync())]).toEqual([backend, 'float32', [0, 1, 0, 0, 0, 1]]);
    t.dispose();
  }
  await initBackend('cpu');
});
