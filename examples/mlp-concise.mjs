// D2L §4.3 mlp-concise: `node examples/mlp-concise.mjs`
import { data, init, initBackend, loss, nn, Trainer } from 'softmax';
import { trainCh3 } from 'softmax/d2l';

await initBackend();

const batchSize = 256;
const [trainIter, testIter] = await data.loadFashionMnist(batchSize);

const net = new nn.Sequential();
net.add(new nn.Dense(256, { activation: 'relu' }), new nn.Dense(10));
net.initialize(init.Normal(0.01));

const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.1 });

const numEpochs = 10;
trainCh3(net, trainIter, testIter, new loss.SoftmaxCrossEntropyLoss(), numEpochs, batchSize, { trainer });
