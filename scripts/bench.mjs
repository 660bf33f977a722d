#!/usr/bin/env node
// Benchmark: `npm run bench [-- --epochs N --repeat R --backends blas,wasm,cpu --impls concise,scratch,layers
// --mlp-backends tensorflow,blas]`. On every backend that loads: concise and scratch softmax regression through
// the public API, and TensorFlow.js layers `model.fit` on the same data; the concise MLP (784-256-10, relu,
// D2L 4.3) on the --mlp-backends; then PyTorch's equivalent loops when python3 has torch (softmax on 1
// thread, the MLP on 1 and on 2 threads). Each run is a fresh process;
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
    backends: { type: 'string', default: 'tensorflow,blas,wasm,cpu' }, // fastest first (see the rounds below)
    impls: { type: 'string', default: 'concise,scratch,layers' },
    child: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    'mlp-backends': { type: 'string', default: 'tensorflow,blas' },
  },
});
const epochs = Number(values.epochs);
const repeat = Math.max(1, Number(values.repeat));

if (values.child) {
  const [backend, impl] = values.child.split(':');
  const start = performance.now();
  const result = await (impl === 'layers' ? layersFit(backend) : train(backend, impl)).catch((err) => ({
    error: err.message,
  }));
  console.log(
    JSON.stringify({ ...result, wall: (performance.now() - start) / 1000, maxRssKiB: process.resourceUsage().maxRSS }),
  );
  process.exit(0);
}

// `softmax train`'s own run (the fit loop and its callbacks) without a run directory: what the CLI does.
async function train(backend, impl) {
  const { runTrain } = await import(join(root, 'dist/cli/train/run.js'));
  const { silentLogger } = await import('softmax/core');
  const model = impl === 'mlp' ? { impl: 'concise', model: 'mlp' } : { impl };
  const r = await runTrain(
    { ...model, backend, epochs, batchSize: 256, lr: 0.1, seed: 0 },
    { logger: silentLogger, print: () => {} },
  );
  return { history: r.history, examplesPerSec: r.examplesPerSec };
}

// TensorFlow.js layers: the same model (Dense(10) + softmax, N(0, 0.01²) init, sgd 0.1, batch 256); on
// wasm, stock TensorFlow.js.
async function layersFit(backend) {
  const { initBackend, tf, data } = await import('softmax');
  const { loadSplits } = await import('softmax/node');
  const tfl = await import('@tensorflow/tfjs');
  if (backend === 'wasm') {
    // Stock TensorFlow.js: the wasm backend without the corrections softmax applies (wasm-fixes.ts).
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  } else {
    await initBackend(backend);
  }
  const { train, test } = await loadSplits(data.FASHION_MNIST);
  const toX = (d) =>
    tf.tensor2d(
      Float32Array.from(d.images, (v) => v / 255),
      [d.count, 784],
    );
  const [xs, ys, xt] = [toX(train), tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10), toX(test)];
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 10,
        inputShape: [784],
        activation: 'softmax',
        kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.01, seed: 0 }),
      }),
    ],
  });
  model.compile({ optimizer: tfl.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = [];
  let t0 = 0;
  await model.fit(xs, ys, {
    batchSize: 256,
    epochs,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => void (t0 = performance.now()),
      onEpochEnd: async (epoch, logs) => {
        const seconds = (performance.now() - t0) / 1000;
        const testAcc = tf.tidy(
          () =>
            tf
              .mean(tf.cast(tf.equal(tf.argMax(model.predict(xt), 1), tf.tensor1d(test.labels, 'int32')), 'float32'))
              .dataSync()[0],
        );
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
const perEpoch = (history) =>
  median(history.length > 1 ? history.slice(1).map((m) => m.seconds) : history.map((m) => m.seconds));
const row = (backend, impl, text) => console.log(`${backend.padEnd(11)} ${impl.padEnd(9)} ${text}`);

// Each round runs every configuration once, in the same order; a round's figures share the machine's
// state of the moment, so ratios are taken within a round and their median reported (these machines
// are noisy: a whole round can run 30% slower than the one before).
const configs = [];
for (const backend of values.backends.split(','))
  for (const impl of values.impls.split(',')) configs.push({ backend, impl });
for (const backend of values['mlp-backends'].split(',').filter(Boolean)) configs.push({ backend, impl: 'mlp' });
const torchRuns = [];
const torchMlp = { 1: [], 2: [] };
const runs = new Map(configs.map((c) => [`${c.backend}:${c.impl}`, []]));
const unavailable = new Map();

function runChild({ backend, impl }) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [self, '--child', `${backend}:${impl}`, '--epochs', String(epochs)], {
    encoding: 'utf8',
    cwd: root,
  });
  const processSeconds = (performance.now() - start) / 1000;
  const s = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : { error: r.stderr.trim() };
  return s.error !== undefined ? { error: s.error } : { ...s, processSeconds, perEpoch: perEpoch(s.history) };
}

// PyTorch, 1 thread, preloaded tensors: Debian's python3-torch (whatever BLAS the system has).
let python = null;
function runTorch(model = 'softmax', threads = 1) {
  for (const candidate of python ? [python] : ['python3', '/usr/bin/python3']) {
    const start = performance.now();
    const r = spawnSync(
      candidate,
      [
        join(root, 'scripts/bench_torch.py'),
        join(root, 'datasets/fashion-mnist'),
        String(epochs),
        String(threads),
        model,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) continue;
    python = candidate;
    const t = JSON.parse(r.stdout.trim().split('\n').pop());
    return { ...t, processSeconds: (performance.now() - start) / 1000, perEpoch: perEpoch(t.history) };
  }
  return null;
}

// PyTorch runs first in each round, right before the first backend's configurations (the fastest,
// listed first), so that the ratio to PyTorch compares runs seconds apart, not minutes.
for (let round = 0; round < repeat; round++) {
  if (round === 0 || torchRuns.length > 0) {
    const t = runTorch();
    if (t !== null) torchRuns.push(t);
  }
  for (const c of configs) {
    if (c.impl === 'mlp' && c === configs.find((x) => x.impl === 'mlp') && torchRuns.length > 0) {
      // PyTorch's MLP right before ours, as for softmax regression above.
      for (const threads of [1, 2]) {
        const t = runTorch('mlp', threads);
        if (t !== null) torchMlp[threads].push(t);
      }
    }
    const key = `${c.backend}:${c.impl}`;
    if (unavailable.has(key)) continue;
    const r = runChild(c);
    if (r.error !== undefined) unavailable.set(key, r.error);
    else runs.get(key).push(r);
  }
}

const fmt = (x, digits = 3) => x.toFixed(digits);
console.log(
  `softmax bench: Fashion-MNIST, batch 256, lr 0.1, seed 0, ${epochs} epochs, ${repeat} round${repeat === 1 ? '' : 's'}, node ${process.version}`,
);
console.log('s/epoch: median of epochs 2..N in each run; the median over rounds, then [fastest, slowest] round');
console.log('backend     impl      s/epoch  [range]          examples/s  process s  peak RSS MB  test acc');
const line = (backend, impl, rs, rss) => {
  const per = rs.map((r) => r.perEpoch);
  const last = rs[0].history[rs[0].history.length - 1];
  row(
    backend,
    impl,
    `${fmt(median(per)).padStart(7)}  [${fmt(Math.min(...per))}, ${fmt(Math.max(...per))}]  ${(60000 / median(per)).toFixed(0).padStart(10)}` +
      `  ${fmt(median(rs.map((r) => r.processSeconds)), 2).padStart(9)}  ${rss.padStart(11)}  ${last.testAcc.toFixed(4)}`,
  );
};
for (const c of configs) {
  const key = `${c.backend}:${c.impl}`;
  if (unavailable.has(key)) {
    row(c.backend, c.impl, `not available: ${unavailable.get(key).split('\n')[0].slice(0, 100)}`);
    continue;
  }
  const rs = runs.get(key);
  line(c.backend, c.impl, rs, (Math.max(...rs.map((r) => r.maxRssKiB)) / 1024).toFixed(0));
}
if (torchRuns.length === 0) {
  console.log('pytorch: not available (apt-get install -y python3-torch)');
} else {
  line('pytorch', 'torch', torchRuns, '-');
  for (const threads of [1, 2])
    if (torchMlp[threads].length > 0) line('pytorch', `mlp ${threads}t`, torchMlp[threads], '-');
  console.log(
    `pytorch ${torchRuns[0].torch}, ${torchRuns[0].threads} thread (mlp: 1 and 2), BLAS: ${torchRuns[0].blas}`,
  );
}

console.log('\nratios of s/epoch, each taken within a round (median over rounds, [range]):');
const perRound = (key) =>
  (key === 'torch' ? torchRuns : key.startsWith('torch-mlp-') ? torchMlp[key.slice(-1)] : (runs.get(key) ?? [])).map(
    (r) => r.perEpoch,
  );
const ratio = (a, b, label) => {
  const [xa, xb] = [perRound(a), perRound(b)];
  const n = Math.min(xa.length, xb.length);
  if (n === 0) return;
  const rs = Array.from({ length: n }, (_, i) => xa[i] / xb[i]);
  console.log(`  ${label}: ${fmt(median(rs), 2)}x  [${fmt(Math.min(...rs), 2)}, ${fmt(Math.max(...rs), 2)}]`);
};
const backends = values.backends.split(',');
for (const backend of backends) {
  ratio(`${backend}:concise`, 'torch', `${backend} concise / pytorch`);
  ratio(`${backend}:scratch`, `${backend}:concise`, `${backend} scratch / ${backend} concise`);
}
for (const backend of backends)
  ratio('wasm:layers', `${backend}:concise`, `wasm layers model.fit / ${backend} concise`);
for (const backend of values['mlp-backends'].split(',').filter(Boolean))
  for (const threads of [1, 2])
    ratio(
      `${backend}:mlp`,
      `torch-mlp-${threads}`,
      `${backend} mlp / pytorch mlp ${threads} thread${threads > 1 ? 's' : ''}`,
    );
