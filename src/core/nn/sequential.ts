/** A stack of blocks applied in order, mirroring gluon.nn.Sequential. */
import { tf } from '../backend/tf.js';
import { assert } from '../errors.js';
import { Block } from './block.js';

export class Sequential extends Block {
  private readonly layers: Block[] = [];

  /** Appends blocks; their parameters are keyed by position (`'0.weight'`). */
  add(...blocks: Block[]): this {
    for (const block of blocks) {
      assert(block instanceof Block, () => `Sequential.add expects Blocks, but got ${String(block)}.`);
      this.registerChild(String(this.layers.length), block);
      this.layers.push(block);
    }
    return this;
  }

  /** The i-th block (Gluon's `net[i]`). */
  get(i: number): Block {
    const block = this.layers.at(i);
    assert(block !== undefined, () => `Sequential has ${this.layers.length} blocks; index ${i} is out of range.`);
    return block;
  }

  get length(): number {
    return this.layers.length;
  }

  /** Applies each block in turn. Input: any shape the first block takes; caller owns the result. */
  forward(x: tf.Tensor): tf.Tensor {
    // An empty Sequential returns a copy, so the caller may dispose the result without losing `x`.
    if (this.layers.length === 0) return tf.clone(x);
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }

  override toString(): string {
    const lines = this.layers.map((layer, i) => `  (${i}): ${layer.toString().replace(/\n/g, '\n  ')}`);
    return `Sequential(\n${lines.join('\n')}\n)`;
  }
}
