/**
 * Base class of layers and containers, mirroring gluon.Block: owns Parameters and child Blocks,
 * collects them under structural keys ('0.weight'), initializes and disposes them.
 */
import type { tf } from '../backend/tf.js';
import type { Initializer } from './init.js';
import { Uniform } from './init.js';
import type { Parameter } from './parameter.js';
import { ParameterDict } from './parameter-dict.js';
import type { LayerSpec, ModelMeta } from './serialize.js';
import { loadParameters, saveParameters } from './serialize.js';

export abstract class Block {
  private readonly ownParams = new Map<string, Parameter>();
  private readonly children = new Map<string, Block>();

  /** Output of the block for input `x`; caller owns the result. Gluon's `net(x)`. */
  abstract forward(x: tf.Tensor): tf.Tensor;

  /** Registers a parameter under `name` (structural key) and returns it. */
  protected registerParameter(name: string, param: Parameter): Parameter {
    this.ownParams.set(name, param);
    return param;
  }

  /** Registers a child block under `name`. */
  protected registerChild(name: string, block: Block): void {
    this.children.set(name, block);
  }

  /** Child blocks in registration order. */
  protected childBlocks(): Block[] {
    return [...this.children.values()];
  }

  /**
   * All parameters of this block and its descendants, keyed structurally (`'0.weight'`), in
   * registration order; only keys that `select` matches from their start (Python's `re.match`) when
   * given. Mirrors Block.collect_params.
   */
  collectParams(select?: RegExp): ParameterDict {
    const out = new ParameterDict();
    for (const [name, p] of this.ownParams) out.set(name, p);
    for (const [childName, child] of this.children) {
      for (const [name, p] of child.collectParams()) out.set(`${childName}.${name}`, p);
    }
    if (select === undefined) return out;
    // Gluon uses re.match: the pattern must match at the start of the key ('.*weight' finds
    // '0.weight', 'weight' does not). A fresh RegExp without g/y keeps lastIndex out of it.
    const re = new RegExp(select.source, select.flags.replace(/[gy]/g, ''));
    return new ParameterDict([...out].filter(([key]) => re.exec(key)?.index === 0));
  }

  /**
   * Initializes every parameter: its own `init` if set, else `init` (default `Uniform(0.07)`).
   * Parameters whose shape is not yet known are initialized on the first forward (deferred).
   * Already-initialized parameters are skipped with a warning unless `forceReinit`.
   * Mirrors Block.initialize.
   */
  initialize(init: Initializer = Uniform(0.07), options: { forceReinit?: boolean } = {}): void {
    // The structural key ('0.weight') is what the user knows the parameter by; messages use it.
    for (const [key, p] of this.collectParams()) {
      p.key = key;
      p.initialize(init, options);
    }
  }

  /**
   * Saves the parameters (and the architecture, when it is a Sequential of Dense layers) to directory
   * `path` atomically; `meta` adds class names, data set, metrics. Mirrors Block.save_parameters.
   */
  saveParameters(path: string, meta: Partial<ModelMeta> = {}): Promise<void> {
    return saveParameters(this, path, meta);
  }

  /**
   * Loads parameters saved by `saveParameters`; names and shapes must match exactly, else
   * `ModelMismatchError` lists every difference. Mirrors Block.load_parameters.
   */
  loadParameters(path: string): Promise<ModelMeta> {
    return loadParameters(this, path);
  }

  /**
   * The constructor arguments that rebuild this layer (what `saveParameters` records of a Sequential),
   * or null for a block softmax cannot rebuild by itself (then only the parameters are saved).
   */
  spec(): LayerSpec | null {
    return null;
  }

  /** Frees every parameter's tensors. */
  dispose(): void {
    for (const p of this.collectParams().values()) p.dispose();
  }

  /** Gluon's repr: the block and its children with shapes. */
  abstract toString(): string;
}
