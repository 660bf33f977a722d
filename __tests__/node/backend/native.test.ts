/**
 * The native addon's loops against the JavaScript ones they replace on blas: the softmax rows bit for
 * bit, its exp as V8's Math.exp, and its refusal of arrays that do not fit.
 */
import { JS_IMPL } from '../../../src/core/backend/kernels/impl.js';
import { tryLoadNative } from '../../../src/node/backend/native.js';
import { blasBuilt } from '../../backends.js';
import { awkward, random, same } from '../../core/backend/kernels/fixtures.js';

const native = tryLoadNative();

(blasBuilt ? describe : describe.skip)(
  `the addon${blasBuilt ? '' : ' (skipped: the native addon is not built)'}`,
  () => {
    it('computes the rows bit for bit as the JavaScript loop', () => {
      for (const [rows, classes] of [
        [300, 10],
        [50, 1],
        [20, 37],
      ] as const) {
        const { z, labels } = awkward(rows, classes);
        const out = () => ({
          probs: new Float32Array(rows * classes),
          sums: new Float32Array(rows),
          picked: new Float32Array(rows),
        });
        const [a, b] = [out(), out()];
        native?.softmaxRows(z, labels, rows, classes, a.probs, a.sums, a.picked);
        JS_IMPL.softmaxRows(z, labels, rows, classes, b.probs, b.sums, b.picked);
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
      values.set(
        [
          0,
          -0,
          1,
          -1,
          0.5,
          Infinity,
          -Infinity,
          NaN,
          709.78,
          709.79,
          -745.13,
          -745.14,
          2 ** -28,
          -(2 ** -29),
          Math.LN2 / 2,
          1.5 * Math.LN2,
        ],
        2 * n,
      );
      const out = new Float64Array(values.length);
      native?.expF64(values, out);
      let mismatches = 0;
      values.forEach((v, i) => {
        if (!Object.is(Math.exp(v), out[i])) mismatches += 1;
      });
      expect(mismatches).toBe(0);
    });

    it('refuses arrays that do not fit', () => {
      expect(() =>
        native?.softmaxRows(
          new Float32Array(10),
          new Int32Array(2),
          2,
          10,
          new Float32Array(20),
          new Float32Array(2),
          new Float32Array(2),
        ),
      ).toThrow(/sizes do not fit/);
      expect(() =>
        native?.softmaxRows(
          new Float32Array(20),
          new Int32Array(2),
          2,
          0,
          new Float32Array(20),
          new Float32Array(2),
          new Float32Array(2),
        ),
      ).toThrow(/sizes do not fit/);
    });
  },
);
