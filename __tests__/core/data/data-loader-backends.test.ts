/**
 * A batch is the same on every backend, bit for bit, however the backend builds it: the JavaScript or
 * native gather (cpu, blas), or bytes divided on the backend (wasm); and building it leaks no tensor.
 */
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { DataLoader } from '../../../src/core/data/data-loader.js';
import { describeOn } from '../../backends.js';

// Every byte value, in rows of 784 (aligned) and of 7 (the byte-by-byte paths).
const dataset = (featureSize: number) => {
  const count = Math.ceil(256 / featureSize) + 3;
  const images = Uint8Array.from({ length: count * featureSize }, (_, i) => (i * 37) % 256);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, featureSize };
};

async function batches(backend: string, featureSize: number): Promise<{ X: number[]; y: number[] }[]> {
  await initBackend(backend);
  const out: { X: number[]; y: number[] }[] = [];
  for (const { X, y } of new DataLoader(dataset(featureSize), { batchSize: 3, shuffle: true, seed: 4 })) {
    expect([X.dtype, X.shape[1], y.dtype]).toEqual(['float32', featureSize, 'int32']);
    out.push({ X: Array.from(X.dataSync()), y: Array.from(y.dataSync()) });
    tf.dispose([X, y]);
  }
  return out;
}

afterAll(async () => {
  await initBackend('cpu');
});

describeOn(['blas', 'wasm'], 'batches equal to the cpu ones', (backend) => {
  it.each([784, 7])('rows of %i bytes: X and y bit for bit, every byte value / 255', async (featureSize) => {
    const want = await batches('cpu', featureSize);
    expect(want.flatMap((b) => b.X)).toEqual(expect.arrayContaining([0, 1, Math.fround(128 / 255)]));
    expect(await batches(backend, featureSize)).toEqual(want);
  });

  it('an epoch leaves the tensor count as it was', async () => {
    await initBackend(backend);
    const loader = new DataLoader(dataset(784), { batchSize: 2 });
    const before = tf.memory().numTensors;
    for (const { X, y } of loader) tf.dispose([X, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
