/**
 * The weight-decay chapter (D2L §4.5) on its synthetic regression (20 examples, 200 inputs): without a
 * penalty the model over-fits (train loss ≈ 0, test loss large), with λ = 3 it does not; the scratch
 * penalty `λ·‖w‖²/2` and the Trainer's `wd` (bias wdMult 0) make the same step from the same weights.
 */
import { record } from '../../../src/core/autograd/record.js';
import { tf } from '../../../src/core/backend/tf.js';
import {
  l2Penalty,
  linreg,
  squaredLoss,
  trainWeightDecayConcise,
  trainWeightDecayScratch,
  weightDecayData,
} from '../../../src/core/d2l/weight-decay.js';
import { sgd } from '../../../src/core/d2l/scratch/softmax-regression.js';
import { L2Loss } from '../../../src/core/loss/l2.js';
import { Dense } from '../../../src/core/nn/dense.js';
import { Zeros } from '../../../src/core/nn/init.js';
import { Parameter } from '../../../src/core/nn/parameter.js';
import { Sequential } from '../../../src/core/nn/sequential.js';
import { seed } from '../../../src/core/random.js';
import { Trainer } from '../../../src/core/trainer/trainer.js';
import { expectClose, seededRandom, values } from '../../helpers.js';

describe('weight decay (D2L 4.5)', () => {
  it('l2Penalty is Σw²/2', () => {
    const w = tf.tensor1d([1, -2, 3]);
    const p = l2Penalty(w);
    expect(values(p)).toEqual([7]);
    tf.dispose([w, p]);
  });

  it('over-fits without a penalty and not with λ = 3, from scratch and concise', () => {
    seed(0);
    const data = weightDecayData();
    expect(data.train.X.shape).toEqual([20, 200]);
    expect(data.test.X.shape).toEqual([100, 200]);
    const numTensors = tf.memory().numTensors;
    for (const train of [trainWeightDecayScratch, trainWeightDecayConcise]) {
      const free = train(data, 0);
      const decayed = train(data, 3);
      const [f, d] = [free.curve.at(-1)!, decayed.curve.at(-1)!];
      expect(free.curve.map((c) => c.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => 5 * (i + 1)));
      expect(f.trainLoss).toBeLessThan(0.01);
      expect(f.testLoss).toBeGreaterThan(10); // over-fitting: the book shows ~10²
      expect(d.testLoss).toBeLessThan(f.testLoss / 50);
      expect(free.normW).toBeGreaterThan(10); // the book prints ~13
      expect(decayed.normW).toBeLessThan(1); // ~0.4
    }
    expect(tf.memory().numTensors).toBe(numTensors);
    data.dispose();
  });

  it('the scratch penalty and Trainer wd (bias wdMult 0) make the same sgd step from the same weights', () => {
    const rand = seededRandom(8);
    const X = tf.tensor2d(
      Array.from({ length: 5 * 200 }, () => rand() - 0.5),
      [5, 200],
    );
    const y = tf.tensor2d([[1], [0.5], [-1], [2], [0]]);
    const w0 = Array.from({ length: 200 }, () => rand() - 0.5);
    const [lambd, lr] = [3, 0.003];

    const w = new Parameter('w', { shape: [200, 1] });
    const b = new Parameter('b', { shape: [1] });
    w.initialize(Zeros());
    b.initialize(Zeros());
    tf.tidy(() => w.setData(tf.tensor2d(w0, [200, 1])));
    const r = record(() => ({
      l: tf.add(squaredLoss(linreg(X, w.data(), b.data()), y), tf.mul(l2Penalty(w.data()), lambd)),
    }));
    r.backward();
    sgd([w, b], lr, 5);
    r.dispose();

    const net = new Sequential().add(new Dense(1, { inUnits: 200 }));
    net.initialize(Zeros());
    tf.tidy(() =>
      net
        .collectParams()
        .get('0.weight')!
        .setData(tf.tensor2d(w0, [1, 200])),
    );
    const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr, wd: lambd });
    net.collectParams(/.*bias/).setattr('wdMult', 0);
    const loss = new L2Loss();
    const r2 = record(() => ({ l: loss.forward(net.forward(X), y) }));
    r2.backward();
    trainer.step(5);
    r2.dispose();

    expectClose(values(net.collectParams().get('0.weight')!.data()), values(w.data()), 1e-5, 1e-6);
    expectClose(values(net.collectParams().get('0.bias')!.data()), values(b.data()), 1e-5, 1e-7);
    tf.dispose([X, y]);
    [w, b].forEach((p) => p.dispose());
    trainer.dispose();
    net.dispose();
  });
});
