/**
 * The `blas` backend's replaced kernels against the cpu backend's, on random shapes: matrix products
 * (every transpose and batch-broadcast combination, fused bias and relu) to float32 rounding; the
 * element-wise and Sum fast paths bit for bit. Then a few training steps give the same loss.
 */
import { initBackend } from '../../../src/core/backend/registry.js';
import { tf } from '../../../src/core/backend/tf.js';
import { loadNative } from '../../../src/node/backend/native.js';
import { describeOn } from '../../backends.js';
import { seededRandom } from '../../helpers.js';

type Arrays = { shape: number[]; data: Float32Array };
const random = seededRandom(1);
function rand(shape: number[]): Arrays {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  return { shape, data };
}

/** Runs `f` on `backend` with fresh tensors made from `inputs`; returns the result's values. */
async function on(backend: string, inputs: Arrays[], f: (...xs: tf.Tensor[]) => tf.Tensor): Promise<Arrays> {
  await tf.setBackend(backend);
  const xs = inputs.map((a) => tf.tensor(a.data, a.shape, 'float32'));
  const y = f(...xs);
  const out = { shape: y.shape, data: (await y.data()) as Float32Array };
  tf.dispose([...xs, y]);
  return out;
}

const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
const differences: string[] = [];

describeOn(['blas'], 'the replaced kernels against the cpu backend', () => {
  beforeAll(async () => {
    await initBackend('blas');
  });
  afterAll(async () => {
    console.info(`blas vs cpu, max |difference|:\n${differences.join('\n')}`);
    await tf.setBackend('cpu');
  });

  const products: [number[], number[], boolean, boolean][] = [];
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const [m, k, n] = [37, 53, 11];
      for (const [ba, bb] of [
        [[], []],
        [[3], [3]],
        [[1], [4]],
        [[5], [1]],
      ] as [number[], number[]][]) {
        products.push([[...ba, ...(ta ? [k, m] : [m, k])], [...bb, ...(tb ? [n, k] : [k, n])], ta, tb]);
      }
    }
  }

  it.each(products)('matMul %p x %p transposeA=%p transposeB=%p', async (sa, sb, ta, tb) => {
    const inputs = [rand(sa), rand(sb)];
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb);
    const [want, got] = [await on('cpu', inputs, f), await on('blas', inputs, f)];
    expect(got.shape).toEqual(want.shape);
    const d = maxDiff(got.data, want.data);
    differences.push(`matMul [${sa}]x[${sb}] ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}: ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  it.each([
    ['linear', [11]],
    ['relu', [11]],
    ['relu', [1, 11]],
    ['linear', [37, 11]], // not a row vector: the cpu kernel runs
    ['sigmoid', [11]], // not fused natively: the cpu kernel runs
  ] as const)('fused matMul activation=%s bias %p', async (activation, biasShape) => {
    const inputs = [rand([37, 53]), rand([11, 53]), rand([...biasShape])];
    const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
      tf.fused.matMul({ a, b, transposeB: true, bias, activation: activation as tf.fused.Activation });
    const [want, got] = [await on('cpu', inputs, f), await on('blas', inputs, f)];
    expect(got.shape).toEqual(want.shape);
    const d = maxDiff(got.data, want.data);
    differences.push(`fused ${activation} bias [${biasShape}]: ${d.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
  });

  const ops: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
  ];
  const layouts: [number[], number[]][] = [
    [
      [6, 7],
      [6, 7],
    ],
    [[6, 7], []],
    [[], [6, 7]],
    [[6, 7], [7]],
    [[7], [6, 7]],
    [
      [6, 7],
      [1, 7],
    ],
    [
      [6, 7],
      [6, 1],
    ],
    [
      [6, 1],
      [6, 7],
    ],
    [[2, 3, 4], [4]],
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [6, 1],
      [1, 7],
    ],
  ];
  const cases = ops.flatMap(([name, op]) => layouts.map(([a, b]) => [name, a, b, op] as const));
  it.each(cases)('%s [%p] with [%p] is bit-identical', async (_name, sa, sb, op) => {
    const inputs = [rand(sa), rand(sb)];
    const [want, got] = [await on('cpu', inputs, op), await on('blas', inputs, op)];
    expect(got.shape).toEqual(want.shape);
    expect(got.data).toEqual(want.data);
  });

  // Larger shapes (the addon's vector loops and their remainders), with NaN, ±Infinity, ±0, subnormals
  // and extremes mixed in: float32 arithmetic must round as the cpu kernels' double-then-fround does.
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-40, 3.4e38, -3.4e38, 1e-38];
  const awkward = (shape: number[]): Arrays => {
    const a = rand(shape);
    a.data.forEach((_, i) => {
      if (i % 7 === 3) a.data[i] = specials[(i * 13) % specials.length] as number;
    });
    return a;
  };
  const bigLayouts: [number[], number[]][] = [
    [
      [33, 65],
      [33, 65],
    ],
    [[33, 65], []],
    [[], [33, 65]],
    [[33, 65], [65]],
    [[65], [33, 65]],
    [
      [33, 65],
      [33, 1],
    ],
    [
      [33, 1],
      [33, 65],
    ],
  ];
  const awkwardCases = ops.slice(0, 4).flatMap(([name, op]) => bigLayouts.map(([a, b]) => [name, a, b, op] as const));
  it.each(awkwardCases)('%s [%p] with [%p], special values included, is bit-identical', async (_name, sa, sb, op) => {
    const inputs = [awkward(sa), awkward(sb)];
    const [want, got] = [await on('cpu', inputs, op), await on('blas', inputs, op)];
    expect(got.shape).toEqual(want.shape);
    expect(got.data).toEqual(want.data);
  });

  // The cpu Cast from int32 to float32 keeps an Int32Array: such tensors must not reach the addon as
  // if they held floats (they once made matMul return zeros).
  it('float32 tensors cast from int32 give the cpu results in products, element-wise ops and the loss', async () => {
    const ints = Int32Array.from({ length: 6 * 7 }, (_, i) => ((i * 37) % 11) - 5);
    const weights = rand([7, 3]).data;
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.cast(tf.tensor2d(ints, [6, 7], 'int32'), 'float32');
        const w = tf.tensor2d(weights, [7, 3]);
        const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
        return [
          tf.matMul(x, w),
          tf.matMul(w, x, true, true),
          tf.add(x, x),
          tf.div(x, tf.scalar(3)),
          tf.mul(x, tf.ones([7])),
        ]
          .map((t) => Array.from(t.dataSync()))
          .concat([Array.from(tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 7), x).dataSync())]);
      });
    };
    const [want, got] = [await run('cpu'), await run('blas')];
    got.forEach((values, i) => values.forEach((v, j) => expect(v).toBeCloseTo(want[i]?.[j] ?? NaN, 4)));
    expect(got[0]?.some((v) => v !== 0)).toBe(true);
  });

  it('the addon refuses arrays of the wrong type instead of reading their bytes as floats', () => {
    const native = loadNative();
    const ints = new Int32Array(4);
    const floats = new Float32Array(4);
    // (The addon's TypeError is the main realm's, not jest's sandbox's: matched by message.)
    expect(() =>
      native.sgemm(false, false, 2, 2, 2, 1, ints as unknown as Float32Array, 2, floats, 2, 0, floats, 2),
    ).toThrow(/^sgemm\(/);
    expect(() => native.binaryOp(0, 0, ints as unknown as Float32Array, floats, 4, floats, false)).toThrow(
      /^binaryOp\(/,
    );
    expect(() => native.gatherRowsU8(floats as unknown as Uint8Array, 4, Uint32Array.of(0), 0, 1, 255, floats)).toThrow(
      /^gatherRowsU8\(/,
    );
  });

  it.each([
    [0, false],
    [1, false],
    [0, true],
    [1, true],
    [-1, true],
  ] as const)('sum over axis %p (keepDims %p) is bit-identical', async (axis, keepDims) => {
    const inputs = [rand([256, 10])];
    const f = (x: tf.Tensor) => tf.sum(x, axis, keepDims);
    const [want, got] = [await on('cpu', inputs, f), await on('blas', inputs, f)];
    expect(got.shape).toEqual(want.shape);
    expect(got.data).toEqual(want.data);
  });

  it('trains to the same loss as the cpu backend from the same weights and batches, without leaks', async () => {
    const X = rand([64, 784]);
    X.data.forEach((v, i) => (X.data[i] = Math.abs(v)));
    const labels = Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
    const W0 = rand([10, 784]);
    W0.data.forEach((v, i) => (W0.data[i] = v * 0.01));
    async function lossAfterSteps(backend: string): Promise<number> {
      await tf.setBackend(backend);
      const x = tf.tensor2d(X.data, [64, 784]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const W = tf.variable(tf.tensor2d(W0.data, [10, 784]));
      const b = tf.variable(tf.zeros([10]));
      const before = tf.memory().numTensors;
      let loss = 0;
      for (let step = 0; step < 5; step++) {
        tf.tidy(() => {
          const f = () => tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(tf.add(tf.matMul(x, W, false, true), b))), 1)));
          const { value, grads } = tf.variableGrads(f as () => tf.Scalar, [W, b]);
          loss = value.dataSync()[0] ?? NaN;
          W.assign(tf.sub(W, tf.mul(grads[W.name] as tf.Tensor, 0.1)));
          b.assign(tf.sub(b, tf.mul(grads[b.name] as tf.Tensor, 0.1)));
        });
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([x, y, W, b]);
      return loss;
    }
    const [cpu, blas] = [await lossAfterSteps('cpu'), await lossAfterSteps('blas')];
    differences.push(`loss after 5 steps: cpu ${cpu}, blas ${blas}`);
    expect(Math.abs(cpu - blas)).toBeLessThan(1e-4);
  });
});
