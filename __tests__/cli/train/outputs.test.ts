/** `softmax train --out DIR` writes its run directory; --json prints one object per epoch; progress only on a TTY. */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { showProgress } from '../../../src/cli/train/command.js';
import { FASHION_MNIST_CLASSES } from '../../../src/core/data/fashion-mnist.js';
import { silentLogger } from '../../../src/core/logger.js';
import { OutputError } from '../../../src/core/errors.js';
import { PLOT_INTERVAL_MS, RunDir } from '../../../src/cli/train/run-dir.js';
import { runTrain } from '../../../src/cli/train/run.js';
import type { TrainArgs } from '../../../src/cli/train/run.js';
import { loadModel } from '../../../src/core/nn/model.js';
import { pngSize, svgTexts } from '../../node/render/decode.js';
import { tempDir } from '../../helpers.js';

const base: TrainArgs = { impl: 'concise', epochs: 1, batchSize: 1000, lr: 0.1, seed: 0, backend: 'cpu' };

async function train(args: Partial<TrainArgs>) {
  const lines: string[] = [];
  const notices: string[] = [];
  const result = await runTrain(
    { ...base, ...args },
    { logger: silentLogger, print: (l) => lines.push(l), notice: (l) => notices.push(l) },
  );
  return { result, lines, notices };
}

describe('the run directory', () => {
  it.each(['concise', 'scratch'] as const)(
    '%s: metrics.jsonl, run.json, curves and a model that evaluate can load',
    async (impl) => {
      const out = join(tempDir(), 'demo');
      const { result, lines, notices } = await train({ impl, out, epochs: impl === 'concise' ? 2 : 1 });
      const epochs = impl === 'concise' ? 2 : 1;
      expect(lines).toHaveLength(2 + epochs); // header, epoch lines, examples/sec: the book's output is unchanged
      expect(notices.filter((n) => n.startsWith('run directory: '))).toEqual([
        `run directory: ${out} (metrics.jsonl, curves.svg/.png, run.json, model/)`,
      ]);
      expect(readdirSync(out).sort()).toEqual([
        '.softmax-run',
        'curves.png',
        'curves.svg',
        'metrics.jsonl',
        'model',
        'run.json',
      ]);
      const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(metrics.map((m) => Object.keys(m))).toEqual(
        result.history.map(() => ['epoch', 'loss', 'trainAcc', 'testAcc', 'seconds', 'examplesPerSec']),
      );
      expect(metrics[epochs - 1].testAcc).toBe(result.history[epochs - 1]?.testAcc);
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      expect(run.options).toMatchObject({ impl, epochs, batchSize: 1000, lr: 0.1 });
      expect(run).toMatchObject({
        backend: 'cpu',
        seed: 0,
        data: { dataset: 'fashion-mnist' },
        final: { epoch: epochs, testAcc: result.history[epochs - 1]?.testAcc },
      });
      expect(run.data.digests['t10k-images-idx3-ubyte.gz']).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Object.keys(run.versions)).toEqual(['softmax', 'node', 'tfjs']);
      expect(svgTexts(join(out, 'curves.svg'))).toEqual(
        expect.arrayContaining([
          'train loss',
          'train acc',
          'test acc',
          `after epoch ${epochs} · batch size 1000, lr 0.1`,
          'loss',
          'accuracy',
        ]),
      );
      expect(pngSize(join(out, 'curves.png')).width).toBeGreaterThan(800);
      const { net, meta } = await loadModel(join(out, 'model'));
      expect(meta).toMatchObject({
        impl,
        dataset: 'fashion-mnist',
        classes: [...FASHION_MNIST_CLASSES],
        metrics: { epochs },
      });
      net.dispose();
    },
  );

  it('--json prints one JSON object per epoch on stdout and nothing else', async () => {
    const { lines, notices } = await train({ epochs: 1, json: true });
    expect(lines.map((l) => Object.keys(JSON.parse(l)))).toEqual(
      [0].map(() => ['epoch', 'loss', 'trainAcc', 'testAcc', 'seconds', 'examplesPerSec']),
    );
    expect(notices.some((n) => n.startsWith('training concise softmax regression'))).toBe(true);
  });

  it('progress bars only on a terminal, and not with --quiet or --json', () => {
    expect(showProgress({ quiet: false, json: false }, { isTTY: true })).toBe(true);
    expect(showProgress({ quiet: false, json: false }, { isTTY: false })).toBe(false);
    expect(showProgress({ quiet: false, json: false }, {})).toBe(false);
    expect(showProgress({ quiet: true, json: false }, { isTTY: true })).toBe(false);
    expect(showProgress({ quiet: false, json: true }, { isTTY: true })).toBe(false);
  });
});

describe('RunDir curves, drawn in the background', () => {
  const epoch = (n: number) => ({
    epoch: n,
    loss: 1 / n,
    trainAcc: 0.5 + n / 20,
    testAcc: 0.5 + n / 25,
    seconds: 1,
    examples: 100,
    numTensors: 0,
  });

  it('onEpochEnd returns before the drawing is done; settle waits until the curves show every epoch', async () => {
    const dir = tempDir();
    const run = await RunDir.create(dir, { title: 't', epochs: 3 });
    for (const n of [1, 2, 3]) await run.onEpochEnd(epoch(n)); // back to back: drawings coalesce
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
    await run.settle();
    await run.close(); // releases the run directory's lock
    expect(svgTexts(join(dir, 'curves.svg'))).toEqual(expect.arrayContaining(['after epoch 3']));
    expect(pngSize(join(dir, 'curves.png')).width).toBeGreaterThan(800);
    expect(readdirSync(dir).sort()).toEqual(['.softmax-run', 'curves.png', 'curves.svg', 'metrics.jsonl']); // no temporary files left
  });

  it('draws at most once per PLOT_INTERVAL_MS while training, and once at the end with every epoch', async () => {
    let t = 0;
    const drawings: { epochs: number; at: number }[] = [];
    let finish: (() => void) | undefined;
    const plotter = {
      plot: (history: readonly unknown[]) => {
        drawings.push({ epochs: history.length, at: t });
        return new Promise<never>((done) => (finish = () => done(undefined as never)));
      },
      close: async () => {},
    };
    const run = await RunDir.create(tempDir(), { title: 't', epochs: 30, plotter, now: () => t });
    const end = async (n: number, at: number) => {
      t = at;
      await run.onEpochEnd(epoch(n));
    };
    await end(1, 0); // the first epoch is drawn at once
    await end(2, 100); // still drawing: skipped
    finish?.();
    await new Promise((r) => setImmediate(r));
    for (let n = 3; n <= 10; n++) await end(n, n * 90); // idle, but less than a second since the last start
    await end(11, 1000); // a second after: drawn
    finish?.();
    await new Promise((r) => setImmediate(r));
    await end(12, 1100);
    const settled = run.settle(); // the end: the last state, once
    await new Promise((r) => setImmediate(r));
    finish?.();
    await settled;
    expect(drawings).toEqual([
      { epochs: 1, at: 0 },
      { epochs: 11, at: 1000 },
      { epochs: 12, at: 1100 },
    ]);
    expect(PLOT_INTERVAL_MS).toBe(1000);
  });

  it('a drawing that cannot be written fails settle and the next epoch with OutputError', async () => {
    const dir = tempDir();
    const run = await RunDir.create(dir, { title: 't', epochs: 2 });
    mkdirSync(join(dir, 'curves.svg')); // a directory where the file goes: the rename fails
    await run.onEpochEnd(epoch(1));
    await expect(run.settle()).rejects.toThrow(OutputError);
    await expect(run.onEpochEnd(epoch(2))).rejects.toThrow(/Cannot write .*curves\.svg/);
  });
});
