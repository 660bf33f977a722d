/** predictCh3 (d2l's predict_ch3): captions with the true class, the predicted class and its probability. */
import { tf } from '../../../src/core/backend/tf.js';
import { predictCh3 } from '../../../src/core/d2l/predict.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Zeros } from '../../../src/core/nn/init.js';
import { Sequential } from '../../../src/core/nn/sequential.js';

describe('predictCh3', () => {
  it('captions each image with its prediction and the probability the model gives it, wrong ones marked', () => {
    // Bias [ln 3, 0, 0] and zero weights: every image gets softmax = [3/5, 1/5, 1/5], class 0 at 60%.
    const net = new Sequential().add(new Dense(3, { inUnits: 4 }));
    net.initialize(Zeros());
    tf.tidy(() =>
      net
        .collectParams()
        .get('0.bias')!
        .setData(tf.tensor1d([Math.log(3), 0, 0])),
    );
    const test = { images: new Uint8Array(8), labels: Uint8Array.from([0, 2]), count: 2, featureSize: 4 };
    const r = predictCh3((X) => net.forward(X), test, ['a', 'b', 'c'], 5);
    expect(r.grid.map((g) => g.caption)).toEqual([
      ['true: a', 'pred: a 60%'],
      ['true: c', 'pred: a 60%'],
    ]);
    expect(r.grid.map((g) => g.marked)).toEqual([false, true]);
    expect(r.wrong).toBe(1);
    net.dispose();
  });
});
