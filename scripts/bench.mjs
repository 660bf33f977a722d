#!/usr/bin/env node
// Benchmark: `npm run bench [-- --epochs N --backends blas,wasm,cpu]`. On every backend that loads:
// concise and scratch training through the public API, and TensorFlow.js layers `model.fit` on the
// same data; then PyTorch's equivalent loop when python3 has torch. Each run is a fresh process;
// prints seconds per epoch (median of epochs 2..N), training examples/s, whole-process seconds, peak
// RSS and final test accuracy, then the ratios. Figures for notes; no test asserts on them.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const root = resolve(dirname(self), '..');
const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    backends: { type: 'string', default: 'tensorflow,blas,wasm,cpu' },
    impls: { type: 'string', default: 'concise,scratch,layers' },
    child: { type: 'string' },
  },
});
const epochs = Number(values.epochs);

if (values.child) {
  const [backend, impl] = values.child.split(':');
  const start = performance.now();
  const result = await (impl === 'layers' ? layersFit(backend) : train(backend, impl)).catch((err) => ({ error: err.message }));
  console.log(JSON.stringify({ ...result, wall: (performance.now() - start) / 1000, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

async function train(backend, impl) {
  const { runTrain, silentLogger } = await import('softmax');
  const r = await runTrain({ impl, backend, epochs, batchSize: 256, lr: 0.1, seed: 0 }, { logger: silentLogger, print: () => {} });
  return { history: r.history, examplesPerSec: r.examplesPerSec };
}

// TensorFlow.js layers: the same model (Dense(10) + softmax, N(0, 0.01²) init, sgd 0.1, batch 256).
async function layersFit(backend) {
  const { initBackend, tf, data } = await import('softmax');
  const tfl = await import('@tensorflow/tfjs');
  await initBackend(backend);
  const root = data.defaultDataDir();
  const [train, test] = await Promise.all([data.readFashionMnist(root, { train: true }), data.readFashionMnist(root, { train: false })]);
  const toX = (d) => tf.tensor2d(Float32Array.from(d.images, (v) => v / 255), [d.count, 784]);
  const [xs, ys, xt] = [toX(train), tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10), toX(test)];
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 10, inputShape: [784], activation: 'softmax', kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 0 }) })],
  });
  model.compile({ optimizer: tfl.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = [];
  let t0 = 0;
  await model.fit(xs, ys, {
    batchSize: 256, epochs, shuffle: true, verbose: 0,
    callbacks: {
      onEpochBegin: async () => void (t0 = performance.now()),
      onEpochEnd: async (epoch, logs) => {
        const seconds = (performance.now() - t0) / 1000;
        const testAcc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(xt), 1), tf.tensor1d(test.labels, 'int32')), 'float32')).dataSync()[0]);
        history.push({ epoch: epoch + 1, loss: logs.loss, trainAcc: logs.acc, testAcc, seconds, examples: 60000 });
      },
    },
  });
  const secs = history.reduce((a, m) => a + m.seconds, 0);
  return { history, examplesPerSec: (60000 * history.length) / secs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const perEpoch = (history) => median(history.length > 1 ? history.slice(1).map((m) => m.seconds) : history.map((m) => m.seconds));
const row = (backend, impl, text) => console.log(`${backend.padEnd(11)} ${impl.padEnd(9)} ${text}`);

console.log(`softmax bench: Fashion-MNIST, batch 256, lr 0.1, seed 0, ${epochs} epochs, node ${process.version}`);
console.log('backend     impl      s/epoch  examples/s  process s  peak RSS MB  test acc');
const results = {};
for (const backend of values.backends.split(',')) {
  for (const impl of values.impls.split(',')) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [self, '--child', `${backend}:${impl}`, '--epochs', String(epochs)], { encoding: 'utf8', cwd: root });
    const processSeconds = (performance.now() - start) / 1000;
    const s = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : { error: r.stderr.trim() };
    if (s.error !== undefined) {
      row(backend, impl, `not available: ${s.error.split('\n')[0].slice(0, 100)}`);
      continue;
    }
    results[`${backend}:${impl}`] = perEpoch(s.history);
    const last = s.history[s.history.length - 1];
    row(backend, impl,
      `${perEpoch(s.history).toFixed(3).padStart(7)}  ${s.examplesPerSec.toFixed(0).padStart(10)}  ${processSeconds.toFixed(2).padStart(9)}` +
        `  ${(s.maxRssKiB / 1024).toFixed(0).padStart(11)}  ${last.testAcc.toFixed(4)}`);
  }
}

// PyTorch, 1 thread, preloaded tensors: Debian's python3-torch (whatever BLAS the system has).
let torch = null;
for (const python of ['python3', '/usr/bin/python3']) {
  const start = performance.now();
  const r = spawnSync(python, [join(root, 'scripts/bench_torch.py'), join(root, 'datasets/fashion-mnist'), String(epochs), '1'], { encoding: 'utf8' });
  if (r.status !== 0) continue;
  torch = { ...JSON.parse(r.stdout.trim().split('\n').pop()), processSeconds: (performance.now() - start) / 1000 };
  break;
}
if (torch === null) {
  console.log('pytorch: not available (apt-get install -y python3-torch)');
} else {
  const last = torch.history[torch.history.length - 1];
  results['torch'] = perEpoch(torch.history);
  row('pytorch', 'torch', `${results.torch.toFixed(3).padStart(7)}  ${(60000 / results.torch).toFixed(0).padStart(10)}  ${torch.processSeconds.toFixed(2).padStart(9)}  ${'-'.padStart(11)}  ${last.testAcc.toFixed(4)}`);
  console.log(`pytorch ${torch.torch}, ${torch.threads} thread, BLAS: ${torch.blas}`);
}

console.log('\nratios (s/epoch):');
const ratio = (a, b, label) => results[a] && results[b] && console.log(`  ${label}: ${(results[a] / results[b]).toFixed(2)}x`);
for (const backend of values.backends.split(',')) {
  ratio(`${backend}:concise`, 'torch', `${backend} concise / pytorch`);
  ratio(`${backend}:scratch`, `${backend}:concise`, `${backend} scratch / ${backend} concise`);
}
for (const backend of values.backends.split(',')) ratio('wasm:layers', `${backend}:concise`, `wasm layers model.fit / ${backend} concise`);
