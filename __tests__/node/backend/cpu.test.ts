/**
 * `--backend cpu` is tfjs's JavaScript kernels plus this project's JavaScript ones: a training step on
 * cpu (batch assembly, the fused loss, sgd_update, the matrix products) never calls the native addon,
 * even where it is built; the same step on blas does.
 */
import { record } from '../../../src/core/autograd/record.js';
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import { SoftmaxCrossEntropyLoss } from '../../../src/core/loss/softmax-cross-entropy.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import type { NativeKernels } from '../../../src/node/backend/native.js';
import { tryLoadNative } from '../../../src/node/backend/native.js';
import { blasBuilt } from '../../backends.js';

const native = tryLoadNative();
const FUNCTIONS = ['sgemm', 'gatherRowsU8', 'softmaxRows', 'binaryOp', 'sgdUpdate'] as const;

/** Calls of each addon function while `fn` runs. */
async function nativeCalls(fn: () => Promise<void>): Promise<number> {
  const spies = FUNCTIONS.map((name) => jest.spyOn(native as NativeKernels, name));
  try {
    await fn();
    return spies.reduce((n, s) => n + s.mock.calls.length, 0);
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

async function trainingStep(backend: string): Promise<void> {
  await initBackend(backend);
  const ds = {
    images: Uint8Array.from({ length: 8 * 784 }, (_, i) => i % 251),
    labels: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    count: 8,
    featureSize: 784,
  };
  const net = new Dense(10, { inUnits: 784 });
  net.initialize();
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });
  const loss = new SoftmaxCrossEntropyLoss();
  for (const { X, y } of new DataLoader(ds, { batchSize: 8, shuffle: true, seed: 1 })) {
    const r = record(() => ({ l: loss.forward(net.forward(X), y) }));
    r.backward();
    trainer.step(8);
    r.dispose();
    tf.dispose([X, y]);
  }
  trainer.dispose();
  net.dispose();
}

afterAll(async () => {
  await initBackend('cpu');
});

(blasBuilt ? describe : describe.skip)(
  `with the addon built${blasBuilt ? '' : ' (skipped: the native addon is not built)'}`,
  () => {
    it('a training step on cpu makes no call into the addon', async () => {
      expect(await nativeCalls(() => trainingStep('cpu'))).toBe(0);
    });

    it('the same step on blas does (the spies see the calls)', async () => {
      expect(await nativeCalls(() => trainingStep('blas'))).toBeGreaterThan(3);
    });
  },
);
