/**
 * Hostile model and checkpoint directories (issue 5): random manifests (JSON values swapped in
 * anywhere, text cut or altered) and truncated or altered weights, with or without a matching digest.
 * `loadModel` must throw `ModelFormatError` / `ModelMismatchError` and `readCheckpoint`
 * `ModelFormatError`; nothing else, and no allocation beyond what weights.bin holds.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ModelFormatError, ModelMismatchError } from '../../src/core/errors.js';
import { writeBundle } from '../../src/node/bundle-files.js';
import { loadModel } from '../../src/core/nn/model.js';
import { readCheckpoint } from '../../src/node/checkpoint-store.js';
import type { CheckpointMeta } from '../../src/core/fit/checkpoint.js';
import { childGenerator } from '../../src/core/random.js';
import { FuzzStats } from './stats.js';
import { tempDir } from '../helpers.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const stats = new FuzzStats('bundle');
afterAll(() => stats.report());

const arrays = [
  { name: '0.weight', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
  { name: '0.bias', shape: [3], data: Float32Array.from([0.5, -1, 2]) },
];
const history = [{ epoch: 1, loss: 0.7, trainAcc: 0.75, testAcc: 0.8, seconds: 1, examples: 100, numTensors: 9 }];
const checkpointMeta: CheckpointMeta = {
  run: { impl: 'concise', batchSize: 10, lr: 0.1, seed: 0, dataset: 'fashion-mnist', limit: 100, backend: 'cpu' },
  epoch: 1,
  position: null,
  loader: { generator: childGenerator(1).state(), carry: [] },
  history,
  trainer: {
    optimizer: 'sgd',
    learningRate: 0.1,
    slots: [
      { key: '0.bias', updates: 10, states: 0 },
      { key: '0.weight', updates: 10, states: 0 },
    ],
  },
};
const architecture = {
  type: 'Sequential',
  layers: [{ type: 'Dense', units: 3, inUnits: 2, activation: null, useBias: true, flatten: true }],
};

let good: Record<'model' | 'checkpoint', { manifest: Json; bin: Buffer }>;
const work = tempDir();
beforeAll(async () => {
  await writeBundle(join(work, 'model'), 'model', { architecture }, arrays);
  await writeBundle(
    join(work, 'checkpoint'),
    'checkpoint',
    checkpointMeta,
    arrays.map((a) => ({ ...a, name: `param/${a.name}` })),
  );
  const load = (k: string) => ({
    manifest: JSON.parse(readFileSync(join(work, k, 'model.json'), 'utf8')) as Json,
    bin: readFileSync(join(work, k, 'weights.bin')),
  });
  good = { model: load('model'), checkpoint: load('checkpoint') };
});

/** Replaces the value at a random path (chosen by `picks`) with `value`. */
function swapIn(doc: Json, picks: number[], value: Json): Json {
  if (picks.length === 0 || doc === null || typeof doc !== 'object') return value;
  const keys = Array.isArray(doc) ? doc.map((_, i) => i) : Object.keys(doc);
  if (keys.length === 0) return value;
  const [pick = 0, ...rest] = picks;
  const key = keys[pick % keys.length] as string & number;
  const copy: Json = Array.isArray(doc) ? [...doc] : { ...doc };
  (copy as Record<string, Json>)[key] = swapIn((doc as Record<string, Json>)[key] as Json, rest, value);
  return copy;
}

const weightsMutation = fc.oneof(
  fc.record({ cut: fc.nat() }),
  fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ append: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
);
const caseArb = fc.record({
  picks: fc.array(fc.nat(), { maxLength: 5 }),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  swap: fc.boolean(),
  textCut: fc.option(fc.nat(), { freq: 5 }),
  weights: fc.option(weightsMutation, { freq: 2 }),
  fixDigest: fc.boolean(),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes the `kind` bundle, altered as `c` says, into its work directory. */
function mutated(kind: 'model' | 'checkpoint', c: Case): void {
  let bin = Buffer.from(good[kind].bin);
  const w = c.weights;
  if (w !== null && 'cut' in w) bin = bin.subarray(0, w.cut % (bin.length + 1));
  else if (w !== null && 'at' in w && bin.length > 0) bin[w.at % bin.length] = w.value;
  else if (w !== null && 'append' in w) bin = Buffer.concat([bin, w.append]);
  let manifest = good[kind].manifest;
  if (c.fixDigest && manifest !== null && typeof manifest === 'object' && !Array.isArray(manifest)) {
    const weights = {
      ...(manifest['weights'] as Record<string, Json>),
      byteLength: bin.length,
      sha256: createHash('sha256').update(bin).digest('hex'),
    };
    manifest = { ...manifest, weights };
  }
  if (c.swap) manifest = swapIn(manifest, c.picks, c.value);
  let text = JSON.stringify(manifest);
  if (c.textCut !== null) text = text.slice(0, c.textCut % (text.length + 1));
  writeFileSync(join(work, kind, 'model.json'), text);
  writeFileSync(join(work, kind, 'weights.bin'), bin);
}

async function expectTyped(read: () => Promise<unknown>, allowed: (new (...a: never[]) => Error)[]): Promise<void> {
  try {
    await read();
    stats.ok();
  } catch (err) {
    // Every case asserts: anything but an allowed class fails here, with the error shown.
    expect(allowed.some((E) => err instanceof E) ? 'an allowed error' : err).toBe('an allowed error');
    const e = err as ModelFormatError;
    stats.error(e, e.problem ?? e.message.replace(/^[^:]*: /, ''));
  }
}

describe('bundle readers on hostile directories', () => {
  it('loadModel: ModelFormatError or ModelMismatchError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        mutated('model', c);
        await expectTyped(
          async () => (await loadModel(join(work, 'model'))).net.dispose(),
          [ModelFormatError, ModelMismatchError],
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('readCheckpoint: ModelFormatError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        mutated('checkpoint', c);
        await expectTyped(() => readCheckpoint(join(work, 'checkpoint')), [ModelFormatError]);
      }),
      { numRuns: 1500 },
    );
  });
});
