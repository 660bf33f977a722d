// D2L §4.6 dropout, concise: `node examples/dropout.mjs`
import { data, init, initBackend, loss, nn, Trainer } from 'softmax';
import { trainCh3 } from 'softmax/d2l';

await initBackend();

const batchSize = 256;
const [trainIter, testIter] = await data.loadFashionMnist(batchSize);

const [dropout1, dropout2] = [0.2, 0.5];
const net = new nn.Sequential();
net.add(
  new nn.Dense(256, { activation: 'relu' }),
  new nn.Dropout(dropout1), // dropout after the first fully connected layer
  new nn.Dense(256, { activation: 'relu' }),
  new nn.Dropout(dropout2), // and after the second
  new nn.Dense(10),
);
net.initialize(init.Normal(0.01));

const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: 0.5 });

const numEpochs = 10;
trainCh3(net, trainIter, testIter, new loss.SoftmaxCrossEntropyLoss(), numEpochs, batchSize, { trainer });
