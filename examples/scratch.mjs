// D2L §3.6 softmax-regression-scratch: `node examples/scratch.mjs`
import { data, init, initBackend, nn, tf } from 'softmax';
import { scratch, trainCh3 } from 'softmax/d2l';

await initBackend();

const batchSize = 256;
const [trainIter, testIter] = await data.loadFashionMnist(batchSize);

const numInputs = 784;
const numOutputs = 10;
const W = new nn.Parameter('W', { shape: [numInputs, numOutputs] });
const b = new nn.Parameter('b', { shape: [numOutputs] });
W.initialize(init.Normal(0.01));
b.initialize(init.Zeros());

const net = (X) =>
  tf.tidy(() => scratch.softmax(tf.add(tf.matMul(tf.reshape(X, [-1, numInputs]), W.data()), b.data())));

const numEpochs = 5;
const lr = 0.1;
trainCh3(net, trainIter, testIter, scratch.crossEntropy, numEpochs, batchSize, { params: [W, b], lr });
