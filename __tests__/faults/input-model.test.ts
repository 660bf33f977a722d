/**
 * Fault corpus, classes "crashes", "silent wrong results" and "wrong exit codes" for saved models:
 * manifests nested deeply, with huge or mistyped fields, NaN weights with a matching SHA-256, class
 * lists that do not fit the outputs, a model for other inputs, an unknown data set. The edits are
 * re-signed (weights.sha256 and metaSha256 recomputed) so each reaches the check behind the digests;
 * an edit left unsigned is caught by the digest. Run in-process through `main`: each must resolve to
 * its exit code (7 bad model, 8 does not fit) with one line and no stack.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { FASHION_MNIST_CLASSES } from '../../src/core/data/fashion-mnist.js';
import { metaDigest } from '../../src/core/io/bundle.js';
import { Dense } from '../../src/core/nn/dense.js';
import { Normal } from '../../src/core/nn/init.js';
import { Sequential } from '../../src/core/nn/sequential.js';
import { seed } from '../../src/core/random.js';
import { tempDir } from '../helpers.js';
import { REAL_DATA } from './input-harness.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function evaluate(model: string): Promise<{ code: number; err: string }> {
  let err = '';
  const argv = ['evaluate', '--model', model, '--backend', 'cpu', '--data-dir', REAL_DATA, '--log-level', 'silent'];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main([...argv, '--out', join(tempDir(), 'c.png')], {
      stdout: () => {},
      stderr: (t) => void (err += t),
    });
    return { code, err };
  } finally {
    spy.mockRestore();
  }
}

/** Exit `code`, a first line matching `pattern` of at most 1000 characters, no stack, no usage hint. */
function expectRefused({ code, err }: { code: number; err: string }, expected: number, pattern: RegExp): void {
  const line = err.split('\n')[0] ?? '';
  expect({ code, line }).toEqual({ code: expected, line: expect.stringMatching(pattern) });
  expect(line.length).toBeLessThanOrEqual(1000);
  expect(err).not.toMatch(/^\s+at |softmax --help/m);
}

/** Saves `net` as a model in a new directory. */
async function saved(net: Sequential, meta: Record<string, unknown>): Promise<string> {
  const dir = join(tempDir(), 'model');
  await net.saveParameters(dir, meta);
  net.dispose();
  return dir;
}

let good = '';
beforeAll(async () => {
  seed(0);
  const net = new Sequential().add(new Dense(10, { inUnits: 784 }));
  net.initialize(Normal(0.01));
  good = await saved(net, { classes: FASHION_MNIST_CLASSES, dataset: 'fashion-mnist' });
});

/** A copy of the good model whose manifest `edit` changes; re-signed unless `sign` is false. */
function edited(edit: (m: Record<string, unknown>) => void, { sign = true } = {}): string {
  const dir = join(tempDir(), 'model');
  execFileSync('cp', ['-r', good, dir]);
  const file = join(dir, 'model.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  if (sign) m['metaSha256'] = metaDigest(m, sha256);
  writeFileSync(file, JSON.stringify(m));
  return dir;
}

/** A copy of the good model with the float at `index` of weights.bin set to `value`, digests updated. */
function withWeight(index: number, value: number): string {
  const dir = join(tempDir(), 'model');
  execFileSync('cp', ['-r', good, dir]);
  const bin = readFileSync(join(dir, 'weights.bin'));
  bin.writeFloatLE(value, index * 4);
  writeFileSync(join(dir, 'weights.bin'), bin);
  const file = join(dir, 'model.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as { weights: { sha256: string } };
  m.weights.sha256 = sha256(bin);
  writeFileSync(file, JSON.stringify(m));
  return dir;
}

test('the good model evaluates (exit 0): the corpus below fails for its edits only', async () => {
  expect((await evaluate(good)).code).toBe(0);
});

describe('crashes: manifests a parser or a walker would overflow on', () => {
  test.each([
    ['100,000 nested arrays', `{"format":"softmax","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['100,000 nested objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
  ])('%s: exit 7, one line', async (_, text) => {
    const dir = edited(() => {});
    writeFileSync(join(dir, 'model.json'), text);
    expectRefused(await evaluate(dir), 7, /model\.json: nests deeper than 32 levels; not a softmax manifest/);
  });

  test.each([
    ['a string', 'T-shirt'],
    ['numbers', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['an object', { 0: 'T-shirt' }],
    ['null', null],
  ])('"classes" %s: exit 7 naming the field', async (_, classes) => {
    const dir = edited((m) => (m['classes'] = classes));
    expectRefused(await evaluate(dir), 7, /its "classes" field is .*, not a list of class names \(strings\)/);
  });
});

describe('silent wrong results: a model that cannot be right is refused', () => {
  test.each([
    ['NaN', Number.NaN],
    ['+Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('a weight that is %s (SHA-256 matching): exit 7', async (_, value) => {
    expectRefused(await evaluate(withWeight(17, value)), 7, /parameter "0\.weight" holds -?(NaN|Infinity) at index 17/);
  });

  test.each([
    ['shorter', FASHION_MNIST_CLASSES.slice(0, 9)],
    ['longer', [...FASHION_MNIST_CLASSES, 'Hat']],
  ])('a class list %s than the 10 outputs: exit 7', async (_, classes) => {
    const dir = edited((m) => (m['classes'] = classes));
    expectRefused(await evaluate(dir), 7, new RegExp(`names ${classes.length} classes but the network has 10 outputs`));
  });

  test('an edit left unsigned is caught by the manifest digest (metaSha256)', async () => {
    const dir = edited((m) => (m['classes'] = [...FASHION_MNIST_CLASSES].reverse()), { sign: false });
    expectRefused(await evaluate(dir), 7, /do not match the digest written with them \(metaSha256\)/);
  });
});

describe('wrong messages and exit codes', () => {
  test('a model for 100 inputs does not fit 784-pixel images: exit 8 (mismatch), not 4', async () => {
    const net = new Sequential().add(new Dense(10, { inUnits: 100 }));
    net.initialize(Normal(0.01));
    const dir = await saved(net, { classes: FASHION_MNIST_CLASSES, dataset: 'fashion-mnist' });
    expectRefused(await evaluate(dir), 8, /does not fit this network: the network takes 100 inputs, .* 784 pixels/);
  });

  test('a model with 3 outputs and no class list does not fit the data set: exit 8', async () => {
    const net = new Sequential().add(new Dense(3, { inUnits: 784 }));
    net.initialize(Normal(0.01));
    const dir = await saved(net, { dataset: 'fashion-mnist' });
    expectRefused(await evaluate(dir), 8, /the network has 3 outputs, the data set Fashion-MNIST has 10 classes/);
  });

  test.each([
    ['an unknown name', 'imagenet', /its "dataset" field "imagenet" is not a data set softmax knows/],
    ['a number', 7, /its "dataset" field is 7, not a data set's name/],
  ])('"dataset" %s: exit 7 blaming the model, not the command line', async (_, dataset, pattern) => {
    const dir = edited((m) => (m['dataset'] = dataset));
    expectRefused(await evaluate(dir), 7, pattern);
  });

  test('a 1 MB "kind" field is quoted in 80 characters', async () => {
    const dir = edited((m) => (m['kind'] = 'x'.repeat(1_000_000)));
    const r = await evaluate(dir);
    expectRefused(r, 7, /model\.json: holds "x{79}…, expected model$/);
  });

  test('a 1 MB layer description is quoted in 80 characters', async () => {
    const dir = edited((m) => {
      const arch = m['architecture'] as { layers: Record<string, unknown>[] };
      arch.layers[0]!['activation'] = 'y'.repeat(1_000_000);
    });
    expectRefused(await evaluate(dir), 7, /layer 0 is not a layer this softmax can build: \{.{0,80}…$/);
  });
});
