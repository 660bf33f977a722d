/**
 * The one-kernel sgd_update gives the composite's bits, with and without weight decay, on awkward
 * values, on every backend it is registered for (cpu: the JavaScript loop; blas: the addon's);
 * momentum and clipping keep the composite.
 */
import { initBackend } from '../../../../src/core/backend/registry.js';
import { tf } from '../../../../src/core/backend/tf.js';
import { SGD_UPDATE } from '../../../../src/core/backend/kernels/sgd-update.js';
import { sgdUpdate } from '../../../../src/core/trainer/sgd.js';
import { describeOn, withoutKernels } from '../../../backends.js';
import { seededRandom } from '../../../helpers.js';

const random = seededRandom(5);
const specials = [0, -0, 1e-45, -3e38, 3e38, Infinity, -Infinity, NaN];
const values = (n: number): Float32Array =>
  Float32Array.from({ length: n }, () =>
    random() < 0.05 ? (specials[Math.floor(random() * specials.length)] as number) : (random() - 0.5) * 10,
  );
const bits = (a: ArrayLike<number>): string[] => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describeOn(['cpu', 'blas'], 'the fused sgd_update', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  afterAll(async () => {
    await initBackend('cpu');
  });

  it.each([0, 1e-3, 0.5])('fused == composite, bit for bit, with wd %p', (wd) => {
    const [w, g] = [values(7840), values(7840)];
    const h = { learningRate: 0.1, wd, momentum: 0, rescaleGrad: 1 / 256, clipGradient: -1 };
    const run = () =>
      tf.tidy(() => {
        const out = sgdUpdate(tf.tensor2d(w, [10, 784]), tf.tensor2d(g, [10, 784]), undefined, h).weight;
        return Array.from(out.dataSync());
      });
    const fused = run();
    const composite = withoutKernels(backend, [SGD_UPDATE], run);
    expect(bits(fused)).toEqual(bits(composite));
    expect(fused.some((v, i) => v !== w[i])).toBe(true); // it did step
  });
});

it('a weight held as an Int32Array (cast from int32) takes the JavaScript loop: the same bits', () => {
  const h = { learningRate: 0.1, wd: 0.01, momentum: 0, rescaleGrad: 1 / 3, clipGradient: -1 };
  const run = () =>
    tf.tidy(() => {
      const w = tf.cast(tf.tensor1d([3, -7, 100000, 0], 'int32'), 'float32');
      return Array.from(sgdUpdate(w, tf.tensor1d([0.3, -1e-3, 5, 2.5]), undefined, h).weight.dataSync());
    });
  const fused = run();
  expect(bits(fused)).toEqual(bits(withoutKernels('cpu', [SGD_UPDATE], run)));
});

it('the kernel refuses a gradient of another shape, saying what it expected', () => {
  const [w, g] = [tf.zeros([2, 3]), tf.zeros([3, 2])];
  expect(() => tf.engine().runKernel(SGD_UPDATE, { weight: w, grad: g }, { scale: 0.1, decay: 1 })).toThrow(
    /expected float32 weight and gradient of one shape, got float32 \[2,3\] and float32 \[3,2\]/,
  );
  tf.dispose([w, g]);
});
