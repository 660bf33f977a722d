/**
 * Shared test helpers: float64 reference math (independent of the code under test), closeness and
 * error assertions, the memory check of STYLE §4.4, a seeded generator and temporary directories.
 */
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../src/core/backend/tf.js';
import type { ArrayDataset } from '../src/core/data/dataset.js';
import type { Parameter } from '../src/core/nn/parameter.js';
import { readFashionMnist } from '../src/node/data/read.js';

/** A tensor's values as a flat float64 array. */
export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** The value of a parameter as a flat array. */
export function valuesOf(p: Parameter): number[] {
  return values(p.data());
}

/** The gradient of a parameter as a flat array (fails the test if there is none). */
export function gradOf(p: Parameter): number[] {
  if (p.grad === null) throw new Error(`Parameter '${p.name}' has no gradient`);
  return values(p.grad);
}

/** Elementwise |actual − expected| ≤ atol + rtol·|expected|, and the same length. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  const bad = Array.from(expected)
    .map((e, i) => ({ i, a: actual[i] ?? Number.NaN, e }))
    .filter(({ a, e }) => !(Math.abs(a - e) <= atol + rtol * Math.abs(e)));
  expect(bad).toEqual([]);
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** `fn` throws an instance of `ErrorClass` (exactly that class name) whose message matches `pattern`. */
export function expectError(fn: () => unknown, ErrorClass: ErrorClass, pattern: RegExp): Error {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ErrorClass);
  const err = caught as Error;
  expect(err.name).toBe(ErrorClass.name);
  expect(err.message).toMatch(pattern);
  return err;
}

/**
 * Runs `op` once as a warm-up (deferred init, optimizer state, grads that live on the parameters),
 * then asserts that a second run leaves `tf.memory().numTensors` unchanged (STYLE §4.4).
 */
export function expectNoLeak(op: () => void): void {
  op();
  const before = tf.memory().numTensors;
  op();
  expect(tf.memory().numTensors).toBe(before);
}

/** Deterministic pseudo-random floats in [0, 1) from `seed` (mulberry32); independent of src/random. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic uniform floats in [lo, hi) (`seededRandom`), rounded to float32 so that a float64
 * reference sees exactly the values the float32 tensors hold. Independent of src/random.
 */
export function uniformData(seed: number, count: number, lo = -1, hi = 1): number[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Math.fround(lo + (hi - lo) * next()));
}

/** A fresh empty directory under the run's TMPDIR (jest's globalTeardown removes it with the rest). */
export function tempDir(prefix = 'softmax-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh temporary directory (see `tempDir`) holding `files` (name → content). */
export async function dirWith(files: Record<string, Uint8Array | string>, prefix = 'softmax-'): Promise<string> {
  const dir = tempDir(prefix);
  await Promise.all(Object.entries(files).map(([name, content]) => writeFile(join(dir, name), content)));
  return dir;
}

/** Splits a flat array into rows of `width`. */
export function rows(flat: number[], width: number): number[][] {
  return Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, (i + 1) * width));
}

/** float64 log-softmax of one row: z − max − log Σ exp(z − max). */
export function logSoftmax64(z: number[]): number[] {
  const max = Math.max(...z);
  const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
  return z.map((v) => v - lse);
}

/** float64 affine map of rows: o[i][k] = Σ_j X[i][j]·W[k][j] + b[k] (W is [units, features], as Dense). */
export function affine64(X: number[][], W: number[][], b: number[]): number[][] {
  return X.map((x) => W.map((w, k) => w.reduce((s, wj, j) => s + wj * (x[j] ?? 0), b[k] ?? 0)));
}

/** float64 per-example softmax cross-entropy −log softmax(z_i)[y_i]. */
export function softmaxCE64(logits: number[][], labels: number[]): number[] {
  return logits.map((z, i) => -(logSoftmax64(z)[labels[i] ?? 0] ?? Number.NaN));
}

/** Central finite differences of a float64 function at `x`: (f(x + h·e_i) − f(x − h·e_i)) / 2h. */
export function numericGrad(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const plus = [...x];
    const minus = [...x];
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** Transpose of a matrix given as rows. */
export function transpose(m: number[][]): number[][] {
  return (m[0] ?? []).map((_, j) => m.map((r) => r[j] ?? Number.NaN));
}

/** The first `count` examples of `d` (views, no copy). */
export function firstExamples(d: ArrayDataset, count: number): ArrayDataset {
  return {
    images: d.images.subarray(0, count * d.featureSize),
    labels: d.labels.subarray(0, count),
    count,
    featureSize: d.featureSize,
  };
}

/** The first `trainCount` / `testCount` examples of the real Fashion-MNIST shipped in datasets/ (not verified: fast). */
export async function realSlices(
  trainCount: number,
  testCount: number,
): Promise<{ train: ArrayDataset; test: ArrayDataset }> {
  const dir = join(__dirname, '../datasets/fashion-mnist');
  return {
    train: firstExamples(await readFashionMnist(dir, { train: true, verify: false }), trainCount),
    test: firstExamples(await readFashionMnist(dir, { train: false, verify: false }), testCount),
  };
}
