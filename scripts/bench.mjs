#!/usr/bin/env node
// Benchmark: `npm run bench [-- --epochs N --backends wasm,cpu]`. Trains the concise and the scratch
// model on the real Fashion-MNIST on each backend that loads here, each run in a fresh process, and
// prints seconds per epoch (median of epochs 2..N), training examples/s, whole-run seconds, peak RSS
// and final test accuracy. Figures for notes and issues; no test asserts on them (machines are noisy).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    backends: { type: 'string', default: 'tensorflow,wasm,cpu' },
    impls: { type: 'string', default: 'concise,scratch' },
    child: { type: 'string' },
  },
});

if (values.child) {
  // One run, in this process: print a JSON summary on the last line.
  const [backend, impl] = values.child.split(':');
  const { runTrain, silentLogger } = await import('softmax');
  const start = performance.now();
  const r = await runTrain(
    { impl, backend, epochs: Number(values.epochs), batchSize: 256, lr: 0.1, seed: 0 },
    { logger: silentLogger, print: () => {} },
  ).catch((err) => {
    console.log(JSON.stringify({ error: err.message }));
    process.exit(0);
  });
  const wall = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ history: r.history, examplesPerSec: r.examplesPerSec, wall, maxRssKiB: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`softmax bench: batch 256, lr 0.1, seed 0, ${values.epochs} epochs, node ${process.version}`);
console.log('backend     impl      s/epoch  examples/s  process s  peak RSS MB  test acc');
for (const backend of values.backends.split(',')) {
  for (const impl of values.impls.split(',')) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [self, '--child', `${backend}:${impl}`, '--epochs', values.epochs], { encoding: 'utf8' });
    const processSeconds = (performance.now() - start) / 1000;
    const s = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : { error: r.stderr.trim() };
    if (s.error !== undefined) {
      console.log(`${backend.padEnd(11)} ${impl.padEnd(9)} not available: ${s.error.split('\n')[0].slice(0, 100)}`);
      continue;
    }
    const secs = s.history.map((m) => m.seconds);
    const perEpoch = median(secs.length > 1 ? secs.slice(1) : secs);
    const last = s.history[s.history.length - 1];
    console.log(
      `${backend.padEnd(11)} ${impl.padEnd(9)} ${perEpoch.toFixed(3).padStart(7)}  ${s.examplesPerSec.toFixed(0).padStart(10)}` +
        `  ${processSeconds.toFixed(2).padStart(9)}  ${(s.maxRssKiB / 1024).toFixed(0).padStart(11)}  ${last.testAcc.toFixed(4)}`,
    );
  }
}
