/**
 * `--model` accepts a model, a run directory, a checkpoint and a checkpoint directory; saving parameters
 * and trainer states into one directory refuses rather than leaving only the second.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { locateModel, netFromCheckpoint } from '../../../src/cli/model/locate.js';
import { runTrain } from '../../../src/cli/train/run.js';
import { ModelFormatError, OutputError } from '../../../src/core/errors.js';
import type { Checkpoint } from '../../../src/core/fit/checkpoint.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Constant } from '../../../src/core/nn/init.js';
import { loadModel } from '../../../src/core/nn/model.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { tempDir, values } from '../../helpers.js';

const weightsOf = (net: Sequential): number[] => [...net.collectParams().values()].flatMap((p) => values(p.data()));

let run: string;
beforeAll(async () => {
  run = join(tempDir(), 'run');
  await runTrain(
    { impl: 'concise', epochs: 1, batchSize: 100, lr: 0.1, seed: 2, backend: 'cpu', limit: 500, out: run },
    { logger: silentLogger, print: () => {}, notice: () => {} },
  );
  // The same run's checkpoints, as --checkpoint-dir writes them (epoch 1 = the final model).
  await runTrain(
    {
      impl: 'concise',
      epochs: 1,
      batchSize: 100,
      lr: 0.1,
      seed: 2,
      backend: 'cpu',
      limit: 500,
      checkpointDir: join(run, 'checkpoints'),
    },
    { logger: silentLogger, print: () => {}, notice: () => {} },
  );
});

describe('locateModel', () => {
  it.each([
    ['the model directory', 'model', 'model'],
    ['the run directory (its model/)', '', 'model'],
    ['a checkpoint', 'checkpoints/epoch-0001', 'checkpoints/epoch-0001'],
    ['a checkpoint directory (its newest)', 'checkpoints', 'checkpoints/epoch-0001'],
  ])('%s gives the trained parameters', async (_what, rel, source) => {
    const reference = await loadModel(join(run, 'model'));
    const located = await locateModel(join(run, rel), () => {});
    expect(located.source).toBe(join(run, source));
    expect(weightsOf(located.net)).toEqual(weightsOf(reference.net));
    expect(located.meta.classes?.[6]).toBe('Shirt');
    reference.net.dispose();
    located.net.dispose();
  });

  it('a run directory without model/ uses its newest checkpoint', async () => {
    const partial = tempDir();
    const { cpSync } = await import('node:fs');
    cpSync(join(run, 'checkpoints'), join(partial, 'checkpoints'), { recursive: true });
    const located = await locateModel(partial, () => {});
    expect(located.source).toBe(join(partial, 'checkpoints', 'epoch-0001'));
    located.net.dispose();
  });

  it('anything else is the model error it always was', async () => {
    const empty = tempDir();
    mkdirSync(join(empty, 'x'));
    await expect(locateModel(join(empty, 'x'), () => {})).rejects.toThrow(ModelFormatError);
  });

  it('a scratch checkpoint becomes the equivalent Dense network (weight = Wᵀ)', () => {
    const W = { name: 'W', shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const b = { name: 'b', shape: [2], data: new Float32Array([7, 8]) };
    const ckpt: Checkpoint = {
      dir: 'ck',
      meta: {
        run: { impl: 'scratch', batchSize: 1, lr: 1, seed: 0, dataset: 'fashion-mnist', limit: null, backend: 'cpu' },
        epoch: 1,
        position: null,
        loader: { generator: null, carry: [] },
        history: [],
        trainer: null,
      },
      params: new Map([
        ['W', W],
        ['b', b],
      ]),
      states: new Map(),
    };
    const net = netFromCheckpoint(ckpt);
    // Dense weight [2, 3] = Wᵀ: rows (1, 3, 5) and (2, 4, 6).
    expect(weightsOf(net)).toEqual([1, 3, 5, 2, 4, 6, 7, 8]);
    net.dispose();
  });
});

describe('saveParameters and trainer.saveStates into one directory', () => {
  it('the second refuses (OutputError naming both) and the model still loads', async () => {
    const dir = join(tempDir(), 'both');
    const net = new Sequential().add(new Dense(2, { inUnits: 3 }));
    net.initialize(Constant(0.5));
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1, momentum: 0.9 });
    await net.saveParameters(dir);
    await expect(trainer.saveStates(dir)).rejects.toThrow(OutputError);
    await expect(trainer.saveStates(dir)).rejects.toThrow(
      /holds a model \(saveParameters\); writing trainer state \(trainer\.saveStates\) there would replace it/,
    );
    const loaded = await loadModel(dir);
    expect(weightsOf(loaded.net)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0]);
    await trainer.saveStates(join(dir, '..', 'trainer')); // its own directory is fine
    await net.saveParameters(dir); // and a model replaces a model
    loaded.net.dispose();
    trainer.dispose();
    net.dispose();
  });
});
