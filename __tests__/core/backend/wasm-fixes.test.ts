/**
 * The wasm backend's corrected kernels: BatchMatMul with transposed operands (run untransposed, see
 * wasm-fixes.ts) gives the cpu results for every transpose and batch-broadcast combination and leaves
 * no data behind.
 */
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { seededRandom } from '../../helpers.js';

const random = seededRandom(3);
const rand = (shape: number[]): Float32Array =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5);

afterAll(async () => {
  await initBackend('cpu');
});

const shapesOf = (ta: boolean, tb: boolean, batchA: number[], batchB: number[]): [number[], number[]] => [
  [...batchA, ...(ta ? [53, 37] : [37, 53])],
  [...batchB, ...(tb ? [11, 53] : [53, 11])],
];

const cases = [false, true].flatMap((ta) =>
  [false, true].flatMap((tb) =>
    [
      [[], []],
      [[3], [3]],
      [[1], [4]],
      [[5], [1]],
    ].map(([ba, bb]) => [ta, tb, ba, bb] as [boolean, boolean, number[], number[]]),
  ),
);

it.each(cases)(
  'matMul transposeA %p transposeB %p, batches %j and %j: the cpu result, no data left behind',
  async (ta, tb, ba, bb) => {
    const [sa, sb] = shapesOf(ta, tb, ba, bb);
    const [va, vb] = [rand(sa), rand(sb)];
    const run = async (backend: string) => {
      await initBackend(backend);
      const before = tf.engine().backend.numDataIds();
      const [a, b] = [tf.tensor(va, sa), tf.tensor(vb, sb)];
      const c = tf.matMul(a, b, ta, tb);
      const out = { shape: c.shape, values: Array.from(c.dataSync()) };
      tf.dispose([a, b, c]);
      expect(tf.engine().backend.numDataIds()).toBe(before);
      return out;
    };
    const [want, got] = [await run('cpu'), await run('wasm')];
    expect(got.shape).toEqual(want.shape);
    got.values.forEach((v, i) => expect(Math.abs(v - (want.values[i] ?? NaN))).toBeLessThan(1e-5));
  },
);
