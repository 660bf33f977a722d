/**
 * The fused sparse softmax cross-entropy kernels (cpu and blas) give the composite's numbers bit for
 * bit, loss and gradient, on awkward inputs (large and tiny scores, ±Infinity, NaN, out-of-range
 * labels, one class); the addon's rows equal the JavaScript ones; the addon's exp is Math.exp.
 */
import { initBackend, tf } from '../../../../src/core/backend/registry.js';
import { tryLoadNative } from '../../../../src/node/backend/native.js';
import { SPARSE_SOFTMAX_CE, SPARSE_SOFTMAX_CE_GRAD, registerFusedLossKernels, softmaxRows } from '../../../../src/core/backend/kernels/sparse-softmax-ce.js';
import { SoftmaxCrossEntropyLoss } from '../../../../src/core/loss/softmax-cross-entropy.js';

const native = tryLoadNative();
if (native === null && process.env['CI']) throw new Error('CI builds the native addon: it must load');

let seed = 11;
const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;

/** Scores with every awkward kind mixed in, and labels partly out of range. */
function awkward(rows: number, classes: number): { z: Float32Array; labels: Int32Array } {
  const specials = [0, -0, 88.7, -103.9, 1e-30, 3e38, -3e38, Infinity, -Infinity, NaN];
  const z = Float32Array.from({ length: rows * classes }, () =>
    random() < 0.08 ? (specials[Math.floor(random() * specials.length)] as number) : (random() - 0.5) * (random() < 0.5 ? 8 : 400),
  );
  const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * (classes + 4)) - 2);
  return { z, labels };
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  // Bit for bit: NaN equals NaN, and 0 is not -0.
  expect(Array.from(a).map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(Array.from(b).map((v) => (Object.is(v, -0) ? '-0' : String(v))));
};

/** Loss and d(Σ loss·w)/dpred through SoftmaxCrossEntropyLoss on the current backend. */
function lossAndGrad(z: Float32Array, labels: Int32Array, shape: number[]): { loss: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const pred = tf.tensor(z, shape, 'float32');
    const y = tf.tensor(labels, shape.slice(0, -1), 'int32');
    const batch = shape[0] as number;
    const w = tf.tensor(Float32Array.from({ length: batch }, (_, i) => 0.5 + (i % 3)), [batch]);
    const loss = new SoftmaxCrossEntropyLoss();
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(loss.forward(p, y), w)))(pred);
    return { loss: loss.forward(pred, y).dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  });
}

describe.each(['cpu', 'blas'])('on %s', (backend) => {
  beforeAll(async () => {
    if (backend === 'blas' && native === null) return;
    await initBackend(backend);
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it.each([
    [[4096, 10]],
    [[7, 3, 5]],
    [[5, 1]],
  ])('fused == composite, bit for bit, for pred of shape %j', (shape) => {
    if (backend === 'blas' && native === null) return;
    const classes = shape[shape.length - 1] as number;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const { z, labels } = awkward(rows, classes);
    const fused = lossAndGrad(z, labels, shape);
    tf.unregisterKernel(SPARSE_SOFTMAX_CE, backend);
    tf.unregisterKernel(SPARSE_SOFTMAX_CE_GRAD, backend);
    let composite: { loss: Float32Array; grad: Float32Array };
    try {
      composite = lossAndGrad(z, labels, shape);
    } finally {
      registerFusedLossKernels(backend);
    }
    same(fused.loss, composite.loss);
    same(fused.grad, composite.grad);
    expect(fused.loss.some(Number.isFinite)).toBe(true);
  });
});

it.each(['cpu', 'blas'])('on %s, logits held as an Int32Array (cast from int32) give the composite loss', async (backend) => {
  if (backend === 'blas' && native === null) return;
  await initBackend(backend);
  const run = () =>
    tf.tidy(() => {
      const z = tf.cast(tf.tensor2d([3, -2, 40, 0, 7, 7], [2, 3], 'int32'), 'float32');
      return Array.from(new SoftmaxCrossEntropyLoss().forward(z, tf.tensor1d([2, 0], 'int32')).dataSync());
    });
  const fused = run();
  tf.unregisterKernel(SPARSE_SOFTMAX_CE, backend);
  tf.unregisterKernel(SPARSE_SOFTMAX_CE_GRAD, backend);
  try {
    expect(fused).toEqual(run());
  } finally {
    registerFusedLossKernels(backend);
    await initBackend('cpu');
  }
  expect(fused[0]).toBeCloseTo(0, 5);
});

(native === null ? describe.skip : describe)('the addon', () => {
  it('computes the rows bit for bit as the JavaScript loop', () => {
    for (const [rows, classes] of [[300, 10], [50, 1], [20, 37]] as const) {
      const { z, labels } = awkward(rows, classes);
      const out = () => ({ probs: new Float32Array(rows * classes), sums: new Float32Array(rows), picked: new Float32Array(rows) });
      const [a, b] = [out(), out()];
      softmaxRows(z, labels, rows, classes, a.probs, a.sums, a.picked);
      softmaxRows(z, labels, rows, classes, b.probs, b.sums, b.picked, { useNative: false });
      same(a.probs, b.probs);
      same(a.sums, b.sums);
      same(a.picked, b.picked);
    }
  });

  it("has Math.exp's exp: float32 inputs across every exponent, random doubles, and the edges", () => {
    const n = 1 << 20;
    const values = new Float64Array(2 * n + 16);
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    for (let i = 0; i < n; i++) {
      bits[0] = (i * 4093) >>> 0; // a stride through all 2^32 float32 bit patterns: NaN, ±Infinity, denormals
      values[i] = f32[0] as number;
    }
    for (let i = 0; i < n; i++) values[n + i] = (random() - 0.5) * 1500;
    values.set([0, -0, 1, -1, 0.5, Infinity, -Infinity, NaN, 709.78, 709.79, -745.13, -745.14, 2 ** -28, -(2 ** -29), Math.LN2 / 2, 1.5 * Math.LN2], 2 * n);
    const out = new Float64Array(values.length);
    native?.expF64(values, out);
    let mismatches = 0;
    values.forEach((v, i) => {
      if (!Object.is(Math.exp(v), out[i])) mismatches += 1;
    });
    expect(mismatches).toBe(0);
  });

  it('refuses arrays that do not fit', () => {
    expect(() => native?.softmaxRows(new Float32Array(10), new Int32Array(2), 2, 10, new Float32Array(20), new Float32Array(2), new Float32Array(2))).toThrow(/sizes do not fit/);
    expect(() => native?.softmaxRows(new Float32Array(20), new Int32Array(2), 2, 0, new Float32Array(20), new Float32Array(2), new Float32Array(2))).toThrow(/sizes do not fit/);
  });
});

it('the kernels refuse inputs they do not handle, saying what they expected', async () => {
  await initBackend('cpu');
  const logits = tf.zeros([2, 3]);
  expect(() => tf.engine().runKernel(SPARSE_SOFTMAX_CE, { logits, labels: tf.tensor1d([0, 1, 2], 'int32') }, {})).toThrow(
    /expected float32 logits \[\.\.\., C ≥ 1\] and one int32 label per row, got float32 \[2,3\] and int32 \[3\]/,
  );
  tf.dispose(logits);
});
