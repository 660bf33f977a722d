// D2L §3.7 softmax-regression-concise, in TypeScript's runtime: `node examples/concise.mjs`
import { data, init, initBackend, loss, nn, Trainer } from 'softmax';
import { trainCh3 } from 'softmax/d2l';

await initBackend(); // tensorflow (tfjs-node) if installed, else blas (the native addon) if built, else wasm, else cpu

const batchSize = 256;
const [trainIter, testIter] = await data.loadFashionMnist(batchSize);

const net = new nn.Sequential();
net.add(new nn.Dense(10));
net.initialize(init.Normal(0.01));

const softmaxCE = new loss.SoftmaxCrossEntropyLoss();
const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });

const numEpochs = 5;
trainCh3(net, trainIter, testIter, softmaxCE, numEpochs, batchSize, { trainer });
