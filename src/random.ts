/**
 * The global random state, as `mx.random.seed` in MXNet: initializers and shuffling draw their seeds
 * from it, so `seed(n)` makes a whole run repeatable on a given backend.
 */
import seedrandom from 'seedrandom';

let rng: seedrandom.PRNG = seedrandom(String(Date.now()) + String(Math.random()));

/** Seeds the global generator. Two runs seeded alike draw the same numbers. */
export function seed(value: number): void {
  rng = seedrandom(`softmax:${value}`);
}

/** A uniform float in [0, 1) from the global generator. */
export function uniform(): number {
  return rng.quick();
}

/** A fresh 31-bit integer seed for a tfjs random op or a child generator. */
export function nextSeed(): number {
  return rng.int32() >>> 1;
}

/** A new independent generator seeded from the global one (or from `fixed` when given). */
export function childGenerator(fixed?: number): () => number {
  const child = seedrandom(fixed === undefined ? `child:${nextSeed()}` : `softmax:${fixed}`);
  return () => child.quick();
}
