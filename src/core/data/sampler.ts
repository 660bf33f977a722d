/**
 * Samplers, as gluon.data splits them: a `Sampler` gives one epoch's example indices, a
 * `BatchSampler` groups them into minibatches and decides what happens to the last short one.
 * Indices come as `Uint32Array`s (one allocation an epoch), not one number at a time.
 */
import { assert } from '../errors.js';
import type { Generator, GeneratorState } from '../random.js';

/** One epoch's order of the indices `0..length-1`. Mirrors gluon.data.Sampler. */
export interface Sampler {
  readonly length: number;
  /** A new epoch's indices (each call is the next epoch). */
  epoch(): Uint32Array;
}

/** `0, 1, ..., length-1`. Mirrors gluon.data.SequentialSampler. */
export class SequentialSampler implements Sampler {
  constructor(readonly length: number) {
    assert(Number.isInteger(length) && length >= 0, () => `Expected a non-negative integer length, but got ${length}.`);
  }

  epoch(): Uint32Array {
    const order = new Uint32Array(this.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order;
  }
}

/**
 * A Fisher–Yates permutation of `0..length-1` each epoch, drawn from `generator` (whose state can be
 * saved and restored, so a resumed run draws the same epochs). Mirrors gluon.data.RandomSampler.
 */
export class RandomSampler implements Sampler {
  constructor(
    readonly length: number,
    private generator: Generator,
  ) {
    assert(Number.isInteger(length) && length >= 0, () => `Expected a non-negative integer length, but got ${length}.`);
  }

  epoch(): Uint32Array {
    const order = new SequentialSampler(this.length).epoch();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.generator() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    return order;
  }

  /** The generator's state: where the next epoch's draws start. */
  state(): GeneratorState {
    return this.generator.state();
  }

  /** Continues from a saved `state()`. */
  restore(generator: Generator): void {
    this.generator = generator;
  }
}

/** What to do with the last `count % batchSize` examples of an epoch (Gluon's `last_batch`). */
export type LastBatch = 'keep' | 'discard' | 'rollover';

export const LAST_BATCH_MODES: readonly LastBatch[] = ['keep', 'discard', 'rollover'];

/**
 * Minibatches of a sampler's indices: `keep` a short last batch, `discard` it, or `rollover` its
 * indices to the front of the next epoch. Mirrors gluon.data.BatchSampler(sampler, batch_size, last_batch).
 */
export class BatchSampler {
  /** Indices rolled over from the previous epoch (`rollover`). */
  carry: number[] = [];

  constructor(
    readonly sampler: Sampler,
    readonly batchSize: number,
    readonly lastBatch: LastBatch = 'keep',
  ) {
    assert(
      Number.isInteger(batchSize) && batchSize > 0,
      () => `Expected batchSize to be a positive integer, but got ${batchSize}.`,
    );
    assert(
      LAST_BATCH_MODES.includes(lastBatch),
      () => `Expected lastBatch to be one of ${LAST_BATCH_MODES.join(', ')}, but got '${lastBatch}'.`,
    );
  }

  /** Batches the next epoch yields (counting indices carried into it), as `len(batch_sampler)`. */
  get length(): number {
    const n = this.sampler.length + this.carry.length;
    return this.lastBatch === 'keep' ? Math.ceil(n / this.batchSize) : Math.floor(n / this.batchSize);
  }

  /** One epoch's batches, each a view of the epoch's order; the first `skip` batches are passed over unbuilt. */
  *epoch(skip = 0): Generator_<Uint32Array> {
    const own = this.sampler.epoch();
    const order = new Uint32Array(this.carry.length + own.length);
    order.set(this.carry);
    order.set(own, this.carry.length);
    this.carry = [];
    const full = order.length - (order.length % this.batchSize);
    const first = Math.min(skip * this.batchSize, order.length);
    for (let start = first; start < full; start += this.batchSize) yield order.subarray(start, start + this.batchSize);
    if (full === order.length) return;
    if (this.lastBatch === 'keep' && first <= full) yield order.subarray(full);
    else if (this.lastBatch === 'rollover') this.carry = Array.from(order.subarray(full));
  }
}

type Generator_<T> = globalThis.Generator<T, void, void>;
