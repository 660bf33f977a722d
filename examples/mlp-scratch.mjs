// D2L §4.2 mlp-scratch: `node examples/mlp-scratch.mjs`
import { data, init, initBackend, loss, nn, tf } from 'softmax';
import { trainCh3 } from 'softmax/d2l';

await initBackend();

const batchSize = 256;
const [trainIter, testIter] = await data.loadFashionMnist(batchSize);

const [numInputs, numOutputs, numHiddens] = [784, 10, 256];
const param = (name, shape, initializer) => {
  const p = new nn.Parameter(name, { shape });
  p.initialize(initializer);
  return p;
};
const W1 = param('W1', [numInputs, numHiddens], init.Normal(0.01));
const b1 = param('b1', [numHiddens], init.Zeros());
const W2 = param('W2', [numHiddens, numOutputs], init.Normal(0.01));
const b2 = param('b2', [numOutputs], init.Zeros());
const params = [W1, b1, W2, b2];

const relu = (X) => tf.maximum(X, 0);

const net = (X) =>
  tf.tidy(() => {
    const H = relu(tf.add(tf.matMul(tf.reshape(X, [-1, numInputs]), W1.data()), b1.data()));
    return tf.add(tf.matMul(H, W2.data()), b2.data());
  });

const numEpochs = 10;
const lr = 0.1;
trainCh3(net, trainIter, testIter, new loss.SoftmaxCrossEntropyLoss(), numEpochs, batchSize, { params, lr });
