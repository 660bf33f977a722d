/** Awkward inputs for the kernel tests: every special float mixed in, labels partly out of range. */
import { seededRandom } from '../../../helpers.js';

/** The fixtures' one generator: each test file (its own module registry) starts it afresh. */
export const random = seededRandom(11);

/** Scores with every awkward kind mixed in, and labels partly out of range. */
export function awkward(rows: number, classes: number): { z: Float32Array; labels: Int32Array } {
  const specials = [0, -0, 88.7, -103.9, 1e-30, 3e38, -3e38, Infinity, -Infinity, NaN];
  const z = Float32Array.from({ length: rows * classes }, () =>
    random() < 0.08
      ? (specials[Math.floor(random() * specials.length)] as number)
      : (random() - 0.5) * (random() < 0.5 ? 8 : 400),
  );
  const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * (classes + 4)) - 2);
  return { z, labels };
}

/** Bit for bit: NaN equals NaN, and 0 is not -0. */
export const same = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
  expect(Array.from(a).map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(
    Array.from(b).map((v) => (Object.is(v, -0) ? '-0' : String(v))),
  );
};
