/** Recording and training modes (mxnet.autograd's is_recording / is_training / train_mode / predict_mode). */
import * as autograd from '../../src/core/autograd/index.js';
import { tf } from '../../src/core/backend/tf.js';

const modes = (): [boolean, boolean] => [autograd.isRecording(), autograd.isTraining()];
const l = (): { l: tf.Tensor } => ({ l: tf.scalar(0) });

describe('autograd modes', () => {
  it('are off outside record, and record turns both on for its function', () => {
    expect(modes()).toEqual([false, false]);
    let inside: [boolean, boolean] = [false, false];
    autograd
      .record(() => {
        inside = modes();
        return l();
      })
      .dispose();
    expect(inside).toEqual([true, true]);
    expect(modes()).toEqual([false, false]);
  });

  it('record with trainMode: false records in prediction mode (Gluon record(train_mode=False))', () => {
    let inside: [boolean, boolean] = [false, true];
    autograd
      .record(
        () => {
          inside = modes();
          return l();
        },
        { trainMode: false },
      )
      .dispose();
    expect(inside).toEqual([true, false]);
  });

  it('predictMode inside record and trainMode outside it switch training only, and nest', () => {
    const seen: [boolean, boolean][] = [];
    autograd
      .record(() => {
        autograd.predictMode(() => {
          seen.push(modes());
          autograd.trainMode(() => void seen.push(modes()));
          seen.push(modes());
        });
        return l();
      })
      .dispose();
    autograd.trainMode(() => void seen.push(modes()));
    expect(seen).toEqual([
      [true, false],
      [true, true],
      [true, false],
      [false, true],
    ]);
  });

  it('are restored when the function throws', () => {
    expect(() =>
      autograd.trainMode(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(() => autograd.record(() => autograd.predictMode(() => ({ l: 'not a tensor' }) as never))).toThrow(
      /must return \{ l: lossTensor/,
    );
    expect(modes()).toEqual([false, false]);
  });
});
