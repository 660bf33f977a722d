/** Checkpoints in-process (issue 5): loader state, keep K, stop between epochs, a failing write, divergence. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import { DivergenceError, InterruptedError, OutputError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { CheckpointStore, readCheckpoint } from '../../../src/node/checkpoint-store.js';
import { exitCodeOf } from '../../../src/cli/exit-codes.js';
import { runTrain } from '../../../src/cli/train/run.js';
import type { TrainArgs } from '../../../src/cli/train/run.js';
import { fit } from '../../../src/core/fit/fit.js';
import type { EpochMetrics } from '../../../src/core/d2l/train.js';
import { tempDir } from '../../helpers.js';

const base: TrainArgs = { impl: 'concise', epochs: 3, batchSize: 100, lr: 0.1, seed: 5, backend: 'cpu', limit: 1000 };

async function train(args: Partial<TrainArgs>, signal?: AbortController) {
  const lines: string[] = [];
  const print = (l: string) => {
    lines.push(l);
    if (l.startsWith('epoch 1,')) signal?.abort('SIGTERM'); // lands between epochs 1 and 2
  };
  const result = await runTrain(
    { ...base, ...args },
    { logger: silentLogger, print, notice: () => {}, signal: signal?.signal },
  );
  return { result, lines: lines.filter((l) => l.startsWith('epoch ')) };
}
const weightsOf = (out: string) => readFileSync(join(out, 'model', 'weights.bin'));

describe('DataLoader state', () => {
  it('restore(epochStartState, skipBatches) yields the rest of that epoch exactly', () => {
    const n = 23;
    const ds = {
      images: Uint8Array.from({ length: n * 2 }, (_, i) => i),
      labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
      count: n,
      featureSize: 2,
    };
    const ids = (it: Iterable<{ X: tf.Tensor; y: tf.Tensor }>) =>
      [...it].map(({ X, y }) => (tf.dispose(X), Array.from(y.dataSync())));
    const a = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 1 });
    ids(a);
    const [state, second] = [a.state(), ids(a)];
    const b = new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 99 });
    b.restore(JSON.parse(JSON.stringify(a.epochStartState())), { skipBatches: 2 });
    expect(ids(b)).toEqual(second.slice(2));
    b.restore(state);
    expect(ids(b)).toEqual(second);
    expect(ids(b)).toEqual(ids(a)); // and the epochs after continue in step
  });
});

describe('checkpoints of runTrain', () => {
  it('keeps the newest --keep; SIGTERM between epochs checkpoints and resumes exactly', async () => {
    const ref = await train({ out: join(tempDir(), 'ref') });
    const ckpt = join(tempDir(), 'ckpt');
    const stopped = await train({ checkpointDir: ckpt, keep: 2 }, new AbortController()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(stopped).toBeInstanceOf(InterruptedError);
    expect(exitCodeOf(stopped as InterruptedError)).toBe(143);
    expect((stopped as Error).message).toMatch(
      /^SIGTERM: stopped before epoch 2; checkpoint written to .*epoch-0001\. Resume with: npx softmax train --resume \S+ --epochs 3 --keep 2 --backend cpu$/,
    );
    const out = join(tempDir(), 'resumed');
    const resumed = await train({ resume: ckpt, keep: 2, out });
    expect(resumed.lines).toEqual(ref.lines);
    expect(weightsOf(out).equals(weightsOf(join(ref.result.modelDir ?? '', '..')))).toBe(true);
    expect(readdirSync(ckpt).sort()).toEqual(['epoch-0002', 'epoch-0003']);
  });

  it('a write that fails mid-run is an OutputError and leaves the previous checkpoint intact', async () => {
    const ckpt = join(tempDir(), 'ckpt');
    await (await CheckpointStore.open(ckpt, 3)).close(); // a store that is closed leaves no lock behind
    writeFileSync(join(ckpt, 'epoch-0002'), 'a file in the way'); // the epoch-2 checkpoint cannot be written
    const err = await train({ checkpointDir: ckpt }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutputError);
    expect((err as Error).message).toMatch(/epoch-0002: a file is in the way/);
    expect((await readCheckpoint(join(ckpt, 'epoch-0001'))).meta.epoch).toBe(1);
  });
});

describe('divergence', () => {
  it('stops within the epoch, naming epoch and batch; the last good checkpoint stays', async () => {
    const store = await CheckpointStore.open(join(tempDir(), 'ckpt'), 3);
    const net = new Sequential().add(new Dense(2, { inUnits: 2 }));
    net.initialize();
    const ds = { images: new Uint8Array(40), labels: new Uint8Array(20), count: 20, featureSize: 2 };
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 1 });
    let calls = 0;
    const loss = (yHat: tf.Tensor) => tf.mul(tf.sum(yHat, 1), ++calls === 8 ? Number.NaN : 0); // epoch 2, batch 3
    const history: EpochMetrics[] = [];
    const onEpochEnd = async (m: EpochMetrics) => {
      history.push(m);
      const meta = {
        run: { impl: 'concise', batchSize: 4, lr: 1, seed: 0, dataset: 'x', limit: null, backend: 'cpu' },
        epoch: m.epoch,
        position: null,
        loader: loader.state(),
        history: [...history],
        trainer: null,
      };
      await store.save(meta, net.collectParams(), []);
    };
    const run = fit(net, loader, loader, loss, {
      epochs: 3,
      batchSize: 4,
      updater: { step: () => {} },
      callbacks: [{ onEpochEnd }],
    });
    await expect(run).rejects.toThrow(new DivergenceError(2, Number.NaN, 3, 'the mean loss of the batch'));
    await expect(run).rejects.toThrow(/epoch 2, batch 3: .*smaller learning rate/);
    expect(await store.names()).toEqual(['epoch-0001']);
    await readCheckpoint(join(store.dir, 'epoch-0001'));
    net.dispose();
  });
});
