/**
 * The bundle format gains Activation, Dropout and Flatten: a network of them saves and rebuilds with the
 * same outputs; a model written by softmax 0.1 (Dense only, __tests__/fixtures/model-v0.1-softmax, saved
 * by the a7c0de3 tree) still loads and computes x·Wᵀ + b.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../../src/core/backend/tf.js';
import { ModelFormatError } from '../../../src/core/errors.js';
import { Activation } from '../../../src/core/nn/activation.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Dropout } from '../../../src/core/nn/dropout.js';
import { Flatten } from '../../../src/core/nn/flatten.js';
import { Normal } from '../../../src/core/nn/init.js';
import { loadModel } from '../../../src/core/nn/model.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { metaDigest } from '../../../src/core/io/bundle.js';
import { sha256 } from '../../../src/node/bundle-files.js';
import '../../../src/node/setup.js';
import { expectClose, seededRandom, tempDir, values } from '../../helpers.js';

const OLD = join(__dirname, '../../fixtures/model-v0.1-softmax');

describe('saving networks with Activation, Dropout and Flatten', () => {
  it('rebuilds the same architecture and gives the same outputs (dropout off when predicting)', async () => {
    seed(3);
    const net = new Sequential().add(
      new Flatten(),
      new Dense(32, { activation: 'relu' }),
      new Dropout(0.5),
      new Dense(16),
      new Activation('tanh'),
      new Dropout(0.2, { axes: [1] }),
      new Dense(10),
    );
    net.initialize(Normal(0.1));
    const rand = seededRandom(1);
    const X = tf.tensor4d(
      Array.from({ length: 5 * 784 }, () => rand()),
      [5, 28, 28, 1],
    );
    const before = net.forward(X);
    const dir = join(tempDir(), 'model');
    await net.saveParameters(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(manifest.architecture.layers.map((l: { type: string }) => l.type)).toEqual([
      'Flatten',
      'Dense',
      'Dropout',
      'Dense',
      'Activation',
      'Dropout',
      'Dense',
    ]);
    expect(manifest.architecture.layers[5]).toEqual({ type: 'Dropout', rate: 0.2, axes: [1] });
    const { net: rebuilt } = await loadModel(dir);
    expect(rebuilt.toString()).toBe(net.toString());
    const after = rebuilt.forward(X);
    expect(values(after)).toEqual(values(before));
    tf.dispose([X, before, after]);
    net.dispose();
    rebuilt.dispose();
  });

  it('loads a model written by softmax 0.1 and computes x·Wᵀ + b with it', async () => {
    const { net, meta } = await loadModel(OLD);
    expect(net.toString()).toBe('Sequential(\n  (0): Dense(784 -> 10, linear)\n)');
    expect(meta.classes?.[9]).toBe('Ankle boot');
    const W = values(net.collectParams().get('0.weight')!.data());
    const b = values(net.collectParams().get('0.bias')!.data());
    const x = Array.from({ length: 784 }, (_, i) => (i % 7) / 7);
    const want = Array.from({ length: 10 }, (_, c) =>
      x.reduce((s, v, i) => s + v * (W[c * 784 + i] as number), b[c] as number),
    );
    const X = tf.tensor2d([x]);
    const y = net.forward(X);
    expectClose(values(y), want, 1e-5, 1e-6);
    tf.dispose([X, y]);
    net.dispose();
  });

  it('refuses a layer it cannot build, quoting at most 80 characters of it', async () => {
    const dir = join(tempDir(), 'model');
    const net = new Sequential().add(new Dense(2, { inUnits: 2 }));
    net.initialize();
    await net.saveParameters(dir);
    net.dispose();
    const path = join(dir, 'model.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    m.architecture.layers.push({ type: 'Dropout', rate: 7, note: 'x'.repeat(10_000) });
    m.metaSha256 = metaDigest(m, sha256); // re-signed: the layer check behind the digest is what refuses it
    writeFileSync(path, JSON.stringify(m));
    await expect(loadModel(dir)).rejects.toThrow(ModelFormatError);
    await expect(loadModel(dir)).rejects.toThrow(
      /layer 1 is not a layer this softmax can build: \{"type":"Dropout","rate":7.{0,80}…$/,
    );
  });
});
