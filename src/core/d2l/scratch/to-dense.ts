/** The from-scratch model as the equivalent concise network, for saving and for the model tools. */
import { tf } from '../../backend/tf.js';
import { Dense } from '../../nn/dense.js';
import { Sequential } from '../../nn/sequential.js';

/**
 * The from-scratch model (`softmax(X·W + b)`, W `[inputs, classes]`) as the equivalent concise network:
 * one Dense layer with weight Wᵀ and bias b. Its scores are logits instead of probabilities; softmax
 * of them gives the same probabilities, and argmax the same class. Caller owns the network.
 */
export function denseFromScratch(W: tf.Tensor, b: tf.Tensor): Sequential {
  const [inputs, classes] = W.shape as [number, number];
  const net = new Sequential().add(new Dense(classes, { inUnits: inputs }));
  net.initialize();
  const [weight, bias] = [...net.collectParams().values()];
  tf.tidy(() => {
    weight?.setData(tf.transpose(W));
    bias?.setData(b);
  });
  return net;
}
