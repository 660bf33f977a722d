/** The public entries export what they promise (Gluon-sized root, the book's helpers apart) and nothing internal. */
import * as core from '../../src/core/index.js';
import * as d2l from '../../src/core/d2l/index.js';
import * as fitEntry from '../../src/core/fit/index.js';
import * as root from '../../src/node/index.js';

const values = (m: object) => Object.keys(m).sort();

it(
  "'softmax' is Gluon-sized: nn, init, loss, autograd, Trainer, data, random, " +
    'the backend, tf, loadModel, the errors',
  () => {
    const errors = values(root).filter((k) => k.endsWith('Error') || k === 'assert');
    expect(values(root).filter((k) => !errors.includes(k))).toEqual(
      [
        'Trainer',
        'autograd',
        'backendNames',
        'currentBackend',
        'data',
        'init',
        'initBackend',
        'loadModel',
        'loss',
        'lrScheduler',
        'nn',
        'random',
        'registerBackendProvider',
        'tf',
      ].sort(),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'SoftmaxError',
        'ShapeError',
        'DeferredInitializationError',
        'StaleGradientError',
        'ChecksumError',
        'IdxFormatError',
        'BackendError',
        'ConfigError',
      ]),
    );
  },
);

it("'softmax' data namespace holds the loaders and data sets, not the parser or the downloader", () => {
  for (const internal of [
    'parseIdx',
    'MAX_IDX_BYTES',
    'mirrorsFrom',
    'searchPath',
    'downloadDataset',
    'gunzipIfCompressed',
  ])
    expect(values(root.data)).not.toContain(internal);
  expect(values(root.data)).toEqual(
    expect.arrayContaining([
      'DataLoader',
      'FashionMNIST',
      'loadFashionMnist',
      'BatchSampler',
      'RandomSampler',
      'SequentialSampler',
    ]),
  );
});

it("'softmax/d2l' has the book's helpers, each once", () => {
  expect(values(d2l)).toEqual(
    [
      'Accumulator',
      'accuracy',
      'evaluate',
      'evaluateAccuracy',
      'examplesPerSecond',
      'formatEpoch',
      'formatEvaluation',
      'formatFixed',
      'predictCh3',
      'predictProbabilities',
      'scratch',
      'topK',
      'trainCh3',
      'trainEpochCh3',
      // D2L 4.5
      'evaluateLoss',
      'l2Penalty',
      'linreg',
      'loadArray',
      'squaredLoss',
      'syntheticData',
      'trainWeightDecayConcise',
      'trainWeightDecayScratch',
      'weightDecayData',
    ].sort(),
  );
  expect(values(d2l.scratch)).toEqual([
    'MlpScratch',
    'SoftmaxRegressionScratch',
    'crossEntropy',
    'denseFromScratch',
    'dropoutLayer',
    'relu',
    'sgd',
    'softmax',
  ]);
});

it("'softmax/fit' has the loop and the checkpoint format; 'softmax/core' adds what a platform needs", () => {
  expect(values(fitEntry)).toEqual(['CHECKPOINT_KIND', 'checkpointArrays', 'checkpointOf', 'fit']);
  expect(values(core).filter((k) => !values(root).includes(k))).toEqual([
    'cpuProvider',
    'platform',
    'setPlatform',
    'silentLogger',
    'wasmProvider',
  ]);
});
