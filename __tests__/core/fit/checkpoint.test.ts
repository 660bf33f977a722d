/** The checkpoint format: arrays named by kind, a diverged parameter refused in words, a damaged manifest refused. */
import { tf } from '../../../src/core/backend/tf.js';
import { DivergenceError, ModelFormatError } from '../../../src/core/errors.js';
import type { CheckpointMeta } from '../../../src/core/fit/checkpoint.js';
import { checkpointArrays, checkpointOf } from '../../../src/core/fit/checkpoint.js';
import type { Manifest } from '../../../src/core/io/bundle.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import { expectError } from '../../helpers.js';

const meta: CheckpointMeta = {
  run: { impl: 'concise', batchSize: 4, lr: 0.1, seed: 0, dataset: 'fashion-mnist', limit: null, backend: 'cpu' },
  epoch: 2,
  position: null,
  loader: { generator: null, carry: [] },
  history: [1, 2].map((epoch) => ({
    epoch,
    loss: 1,
    trainAcc: 0.5,
    testAcc: 0.5,
    seconds: 1,
    examples: 4,
    numTensors: 0,
  })),
  trainer: null,
};

describe('checkpointArrays', () => {
  it('names parameters param/<key> and optimizer state state/<key>.<i>, in that order', () => {
    const net = new Dense(2, { inUnits: 3, weightInitializer: Constant(0.5) });
    net.initialize();
    const state = { name: 'weight.0', shape: [2, 3], data: new Float32Array(6) };
    const arrays = checkpointArrays(meta, net.collectParams(), [state]);
    expect(arrays.map((a) => [a.name, a.shape])).toEqual([
      ['param/weight', [2, 3]],
      ['param/bias', [2]],
      ['state/weight.0', [2, 3]],
    ]);
    expect(Array.from(arrays[0]?.data ?? [])).toEqual(new Array(6).fill(0.5));
    net.dispose();
  });

  it('refuses a non-finite parameter with a DivergenceError naming it, the epoch and the value', () => {
    const net = new Dense(2, { inUnits: 1 });
    net.initialize();
    net.weight.setData(tf.tensor2d([[1], [Number.NaN]]));
    const err = expectError(
      () => checkpointArrays(meta, net.collectParams(), []),
      DivergenceError,
      /Training diverged in epoch 3: parameter 'weight' is NaN\./,
    );
    expect(err.message).not.toMatch(/holds is/);
    net.dispose();
  });
});

describe('checkpointOf', () => {
  const manifest = (extra: Partial<CheckpointMeta> | Record<string, unknown>) =>
    ({ ...meta, metaSha256: 'checked by the reader', ...extra }) as unknown as Manifest<CheckpointMeta>;

  it('splits the arrays by kind and keeps the manifest', () => {
    const arrays = new Map([
      ['param/0.weight', { name: 'param/0.weight', shape: [1], data: Float32Array.of(1) }],
      ['state/0.weight.0', { name: 'state/0.weight.0', shape: [1], data: Float32Array.of(2) }],
    ]);
    const c = checkpointOf('dir', manifest({}), arrays);
    expect([[...c.params.keys()], [...c.states.keys()], c.meta.epoch]).toEqual([['0.weight'], ['0.weight.0'], 2]);
  });

  it.each([
    ['epoch', { epoch: -1 }],
    ['history', { history: [] }],
    ['loader', { loader: { generator: null, carry: [-1] } }],
    ['run', { run: { impl: 'concise' } }],
  ])('a malformed "%s" field → ModelFormatError naming it', (field, extra) => {
    expectError(
      () => checkpointOf('ckpt', manifest(extra), new Map()),
      ModelFormatError,
      new RegExp(`ckpt: the checkpoint's "${field}" field is missing or malformed`),
    );
  });

  it('an array of neither kind → ModelFormatError', () => {
    const arrays = new Map([['other/x', { name: 'other/x', shape: [1], data: Float32Array.of(1) }]]);
    expectError(
      () => checkpointOf('ckpt', manifest({}), arrays),
      ModelFormatError,
      /array "other\/x" is neither a parameter nor an optimizer state/,
    );
  });
});
