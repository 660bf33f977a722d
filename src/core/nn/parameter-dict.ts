/**
 * What `collectParams` returns, mirroring gluon.ParameterDict: a Map from structural key ('0.weight') to
 * Parameter, with `setattr` to change one attribute of every parameter in it, as the book does with
 * `net.collect_params('.*bias').setattr('wd_mult', 0)` (D2L §4.5).
 */
import { assert } from '../errors.js';
import type { Initializer } from './init.js';
import type { Parameter } from './parameter.js';

/** The attributes `setattr` may change. */
export type ParameterAttribute = 'lrMult' | 'wdMult' | 'gradReq';

export class ParameterDict extends Map<string, Parameter> {
  /**
   * Sets `name` to `value` on every parameter: `lrMult`/`wdMult` multiply the Trainer's learning rate and
   * weight decay for them; `gradReq: 'null'` freezes them. Mirrors ParameterDict.setattr.
   */
  setattr(name: 'lrMult' | 'wdMult', value: number): void;
  setattr(name: 'gradReq', value: 'write' | 'null'): void;
  setattr(name: ParameterAttribute, value: number | 'write' | 'null'): void {
    if (name === 'gradReq') {
      assert(value === 'write' || value === 'null', () => `Expected gradReq 'write' or 'null', but got ${value}.`);
      for (const p of this.values()) p.gradReq = value;
      return;
    }
    assert(
      name === 'lrMult' || name === 'wdMult',
      () => `ParameterDict.setattr: unknown attribute '${String(name)}'; use lrMult, wdMult or gradReq.`,
    );
    assert(
      typeof value === 'number' && Number.isFinite(value) && value >= 0,
      () => `Expected ${name} to be a non-negative finite number, but got ${String(value)}.`,
    );
    for (const p of this.values()) p[name] = value;
  }

  /** Initializes every parameter in the dict (see `Block.initialize`). Mirrors ParameterDict.initialize. */
  initialize(init: Initializer, options: { forceReinit?: boolean } = {}): void {
    for (const p of this.values()) p.initialize(init, options);
  }
}
