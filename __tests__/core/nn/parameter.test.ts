/** Parameter: initialization (own init, deferred), data/grad ownership, errors, disposal. */
import { tf } from '../../../src/core/backend/tf.js';
import { ConfigError, DeferredInitializationError, SoftmaxError } from '../../../src/core/errors.js';
import { Constant, Ones } from '../../../src/core/nn/init.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import { expectError, values, valuesOf } from '../../helpers.js';

describe('Parameter', () => {
  it('initializes with its own init when set, else with the default', () => {
    const own = new Parameter('own', { shape: [2], init: Constant(3) });
    const plain = new Parameter('plain', { shape: [2] });
    own.initialize(Ones());
    plain.initialize(Ones());
    expect(valuesOf(own)).toEqual([3, 3]);
    expect(valuesOf(plain)).toEqual([1, 1]);
    own.dispose();
    plain.dispose();
  });

  it('throws SoftmaxError from data() before initialize, naming the parameter', () => {
    const p = new Parameter('w', { shape: [2] });
    const err = expectError(() => p.data(), SoftmaxError, /Parameter 'w' has not been initialized.*initialize\(\)/);
    expect(err).not.toBeInstanceOf(DeferredInitializationError);
  });

  it('defers initialization while a dimension is 0 and completes it in setShape', () => {
    const p = new Parameter('w', { shape: [3, 0], init: Constant(2) });
    p.initialize(Ones());
    expect(p.deferred).toBe(true);
    expect(p.initialized).toBe(false);
    expectError(
      () => p.data(),
      DeferredInitializationError,
      /'w'.*shape \[3,0\].*one forward pass \(one batch\).*inUnits/,
    );
    p.setShape([3, 4]);
    expect(p.deferred).toBe(false);
    expect(p.data().shape).toEqual([3, 4]);
    expect(valuesOf(p)).toEqual(new Array(12).fill(2));
    p.dispose();
  });

  it('throws ConfigError naming the shapes when an inferred shape conflicts', () => {
    const p = new Parameter('w', { shape: [3, 0] });
    expectError(() => p.setShape([4, 5]), ConfigError, /'w': inferred shape \[4,5\] conflicts with \[3,0\]/);
    expectError(() => p.setShape([3]), ConfigError, /inferred shape \[3\] does not fit declared shape \[3,0\]/);
  });

  it('throws ConfigError naming a bad shape', () => {
    expectError(() => new Parameter('w', { shape: [2, -1] }), ConfigError, /'w'.*\[2,-1\]/);
  });

  it('setData copies a value of the same shape (casting) and rejects another shape', () => {
    const p = new Parameter('w', { shape: [2] });
    p.initialize(Ones());
    const ints = tf.tensor1d([4, 5], 'int32');
    p.setData(ints);
    expect(p.data().dtype).toBe('float32');
    expect(valuesOf(p)).toEqual([4, 5]);
    expect(ints.isDisposed).toBe(false); // the caller keeps ownership
    const wrong = tf.zeros([3]);
    expectError(() => p.setData(wrong), ConfigError, /expected data of shape \[2\], but got \[3\]/);
    tf.dispose([ints, wrong]);
    p.dispose();
  });

  it('setGrad takes ownership, disposes the previous gradient and marks it fresh', () => {
    const p = new Parameter('w', { shape: [2] });
    p.initialize(Ones());
    const g1 = tf.tensor1d([1, 2]);
    const g2 = tf.tensor1d([3, 4]);
    p.setGrad(g1);
    expect(p.freshGrad).toBe(true);
    p.freshGrad = false;
    p.setGrad(g2);
    expect(g1.isDisposed).toBe(true);
    expect(p.freshGrad).toBe(true);
    expect(values(g2)).toEqual([3, 4]);
    p.dispose();
    expect(g2.isDisposed).toBe(true);
  });

  it('dispose frees value and gradient; initialize works again afterwards', () => {
    const before = tf.memory().numTensors;
    const p = new Parameter('w', { shape: [2, 2] });
    p.initialize(Ones());
    p.setGrad(tf.ones([2, 2]));
    expect(tf.memory().numTensors).toBe(before + 2);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(p.initialized).toBe(false);
    expect(p.grad).toBeNull();
    p.initialize(Constant(6));
    expect(valuesOf(p)).toEqual([6, 6, 6, 6]);
    p.dispose();
  });

  it('gives each variable a globally unique name (parameters may share a structural name)', () => {
    const a = new Parameter('weight', { shape: [1] });
    const b = new Parameter('weight', { shape: [1] });
    a.initialize(Ones());
    b.initialize(Ones());
    expect(a.data().name).not.toBe(b.data().name);
    a.dispose();
    b.dispose();
  });
});
