/** `softmax evaluate` and `softmax predict`, in-process on the cpu backend, with a model saved here. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { main } from '../../../src/cli/main.js';
import { FASHION_MNIST_CLASSES } from '../../../src/core/data/fashion-mnist.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Normal } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { pngSize } from '../../node/render/decode.js';
import { tempDir } from '../../helpers.js';

const ROOT = resolve(__dirname, '../../..');
const DATA = join(ROOT, 'datasets/fashion-mnist');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--backend', 'cpu', '--data-dir', DATA, '--log-level', 'silent'], {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
  });
  return { code, out, err };
}

let model: string;
beforeAll(async () => {
  seed(0);
  const net = new Sequential().add(new Dense(10, { inUnits: 784 }));
  net.initialize(Normal(0.01));
  model = join(tempDir(), 'model');
  await net.saveParameters(model, { classes: FASHION_MNIST_CLASSES, dataset: 'fashion-mnist' });
  net.dispose();
});

/** Captures process.stdout (the commands print there) while `fn` runs. */
async function stdoutOf<T>(fn: () => Promise<T>): Promise<{ value: T; text: string }> {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const value = await fn();
    return { value, text: spy.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('softmax evaluate / predict', () => {
  it('evaluate prints loss, accuracy, per-class accuracy and the matrix, and draws confusion.png', async () => {
    const out = join(tempDir(), 'confusion.png');
    const { value, text } = await stdoutOf(() => run(['evaluate', '--model', model, '--out', out]));
    expect(value.code).toBe(0);
    expect(text).toMatch(/^test loss \d\.\d{4}, test acc 0\.\d{3} on 10000 examples$/m);
    for (const name of FASHION_MNIST_CLASSES) expect(text).toContain(`  ${name}`);
    expect(text).toMatch(/confusion matrix \(rows: true class, columns: predicted class\)/);
    expect(pngSize(out).width).toBeGreaterThan(800);
  });

  it('predict draws the grid; predict --image prints the top 3 classes', async () => {
    const dir = tempDir();
    const grid = await stdoutOf(() => run(['predict', '--model', model, '--n', '6', '--out', join(dir, 'preds.png')]));
    expect(grid.value.code).toBe(0);
    expect(grid.text).toMatch(/of 6 test images predicted right/);
    expect(pngSize(join(dir, 'preds.png')).width).toBeGreaterThan(300);

    const image = join(dir, 'shirt.png');
    writeFileSync(
      image,
      await sharp({ create: { width: 40, height: 60, channels: 3, background: '#ffffff' } })
        .png()
        .toBuffer(),
    );
    const r = await stdoutOf(() =>
      run(['predict', '--model', model, '--image', image, '--out', join(dir, 'mine.svg')]),
    );
    expect(r.value.code).toBe(0);
    expect(r.text).toMatch(new RegExp(`shirt\\.png: [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%`));
    expect(existsSync(join(dir, 'mine.svg'))).toBe(true);
  });

  it('bad models, bad images and unwritable outputs: one line, their own exit code, no partial file', async () => {
    const dir = tempDir();
    const copy = (name: string) => {
      const d = join(dir, name);
      spawnSync('cp', ['-r', model, d]);
      return d;
    };
    const truncated = copy('truncated');
    truncateSync(join(truncated, 'weights.bin'), 100);
    const other = copy('other');
    const manifest = JSON.parse(readFileSync(join(other, 'model.json'), 'utf8'));
    manifest.architecture.layers[0].units = 5;
    delete manifest.metaSha256; // as an older softmax wrote it: else the edit is caught as damage (exit 7)
    writeFileSync(join(other, 'model.json'), JSON.stringify(manifest));
    const notModel = join(dir, 'package');
    spawnSync('mkdir', [notModel]);
    writeFileSync(join(notModel, 'model.json'), '{"name": "not a model"}');
    writeFileSync(join(dir, 'text.png'), 'hello');
    writeFileSync(join(dir, 'blocker'), 'a file');

    const cases: [string[], number, RegExp][] = [
      [['evaluate', '--model', join(dir, 'missing')], 7, /missing\/model\.json: no such model manifest/],
      [['evaluate', '--model', truncated], 7, /weights\.bin: holds 100 bytes, the manifest says 31400/],
      [['predict', '--model', notModel], 7, /not a softmax model manifest/],
      [
        ['evaluate', '--model', other],
        8,
        /does not fit this network: '0\.weight' has shape \[10,784\] in the file but \[5,784\]/,
      ],
      [
        ['predict', '--model', model, '--image', join(dir, 'text.png'), '--out', join(dir, 'p.png')],
        9,
        /text\.png: not an image/,
      ],
      [
        ['predict', '--model', model, '--n', '2', '--out', join(dir, 'blocker', 'preds.png')],
        10,
        /Cannot write .*blocker/,
      ],
    ];
    const before = readdirSync(dir).sort();
    for (const [argv, code, message] of cases) {
      const r = await stdoutOf(() => run(argv));
      expect([argv[0], r.value.code]).toEqual([argv[0], code]);
      expect(r.value.err).toMatch(message);
      expect(r.value.err.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('--n out of range and a missing --model are usage errors (2)', async () => {
    expect((await run(['predict', '--model', model, '--n', '0'])).code).toBe(2);
    const r = await run(['evaluate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Missing required argument: model/);
  });

  it('evaluate --help and predict --help answer without loading TensorFlow.js', () => {
    for (const command of ['evaluate', 'predict']) {
      const probe = spawnSync(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))}).main(['${command}', '--help']).then((c) => {
           const tf = Object.keys(require.cache).filter((k) => k.includes('@tensorflow') || k.includes('vega'));
           console.error('exit', c, 'heavy modules', tf.length);
         });`,
        ],
        { encoding: 'utf8' },
      );
      expect(probe.stdout).toMatch(/--model/);
      expect(probe.stderr).toMatch(/exit 0 heavy modules 0/);
    }
  });
});
