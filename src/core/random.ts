/**
 * The global random state, as `mx.random.seed` in MXNet: initializers and shuffling draw their seeds
 * from it, so `seed(n)` makes a whole run repeatable on a given backend.
 */
import seedrandom from 'seedrandom';

// Stateful (the same sequence as without `state`), so a checkpoint can carry it: dropout masks drawn
// from it after a resume are the ones an uninterrupted run draws.
let rng = seedrandom(String(Date.now()) + String(Math.random()), { state: true });

/** Seeds the global generator. Two runs seeded alike draw the same numbers. */
export function seed(value: number): void {
  rng = seedrandom(`softmax:${value}`, { state: true });
}

/** A uniform float in [0, 1) from the global generator. */
export function uniform(): number {
  return rng.quick();
}

/** A fresh 31-bit integer seed for a tfjs random op or a child generator. */
export function nextSeed(): number {
  return rng.int32() >>> 1;
}

/**
 * A generator's full state (seedrandom's ARC4 `{ i, j, S }`): JSON-safe, restores the exact sequence.
 * Declared here rather than as the generator library's own state type, so the public declarations
 * name no third-party type (a consumer may get other typings of it through tfjs, or none).
 */
export interface GeneratorState {
  i: number;
  j: number;
  S: number[];
}

/** The global generator's state now (what `restoreGlobal` continues from). */
export function globalState(): GeneratorState {
  return rng.state();
}

/** Makes the global generator continue exactly where it stood when `globalState()` gave `saved`. */
export function restoreGlobal(saved: GeneratorState): void {
  rng = seedrandom('', { state: saved });
}

/** A uniform [0, 1) generator whose state can be saved (`state()`) and restored (`restoreGenerator`). */
export interface Generator {
  (): number;
  state(): GeneratorState;
}

function wrap(prng: seedrandom.StatefulPRNG<seedrandom.State.Arc4>): Generator {
  return Object.assign(() => prng.quick(), { state: () => prng.state() });
}

/** A new independent generator seeded from the global one (or from `fixed` when given). */
export function childGenerator(fixed?: number): Generator {
  return wrap(seedrandom(fixed === undefined ? `child:${nextSeed()}` : `softmax:${fixed}`, { state: true }));
}

/** A generator continuing exactly where the one whose `state()` was saved stood. */
export function restoreGenerator(saved: GeneratorState): Generator {
  return wrap(seedrandom('', { state: saved }));
}
