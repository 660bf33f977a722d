/**
 * Fault corpus, class "hangs": a stalled or trickling mirror, a signal while data downloads, a FIFO
 * where a data file should be. Each ends promptly (the test's timeout is the bound; no wall-clock
 * assertion) with one line and its exit code, leaving no file under a random temporary name.
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type * as http from 'node:http';
import { join } from 'node:path';
import { MNIST } from '../../src/core/data/datasets.js';
import { DownloadError } from '../../src/core/errors.js';
import { Dense } from '../../src/core/nn/dense.js';
import { Zeros } from '../../src/core/nn/init.js';
import { Sequential } from '../../src/core/nn/sequential.js';
import '../../src/node/setup.js';
import { downloadDataset } from '../../src/node/data/download.js';
import { FAST, fakeDataset, startServer } from '../node/data/download-fixtures.js';
import type { TestServer } from '../node/data/download-fixtures.js';
import { tempDir } from '../helpers.js';
import { RANDOM_TEMP, expectRefused, runCli, tree, withRealFiles } from './input-harness.js';

const servers: TestServer[] = [];
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))));

/** A mirror that answers every request with headers and a first 100 bytes, then goes silent; `onRequest` is told. */
async function stalledMirror(onRequest: () => void): Promise<TestServer> {
  const handler = (_: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-length': 10_000_000 });
    res.write(Buffer.alloc(100), () => onRequest());
  };
  const s = await startServer(
    Object.fromEntries(
      [
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte.gz',
        't10k-images-idx3-ubyte.gz',
        't10k-labels-idx1-ubyte.gz',
      ].map((f) => [`/${f}`, handler]),
    ),
  );
  servers.push(s);
  return s;
}

/** Runs the command `make(mirror)` gives against a stalled mirror; sends `signal` once the download has begun. */
async function signalledDuringDownload(
  make: (mirror: string) => { args: string[]; env?: NodeJS.ProcessEnv },
  signal: NodeJS.Signals,
) {
  let child: ChildProcess | undefined;
  const s = await stalledMirror(() => child?.kill(signal));
  const { args, env } = make(s.url);
  return runCli(args, { env, onSpawn: (c) => (child = c) });
}

describe('hangs: signals during a download end the process at once', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('softmax download, %s on a stalled mirror: exit %d, nothing under a random name', async (sig, code) => {
    const dir = tempDir();
    const run = await signalledDuringDownload((url) => ({ args: ['download', '--dir', dir, '--mirror', url] }), sig);
    expectRefused(
      run,
      code,
      new RegExp(`^softmax: ${sig}: stopped while downloading train-images-idx3-ubyte\\.gz\\.$`),
    );
    const left = await tree(dir);
    expect(left.filter((n) => RANDOM_TEMP.test(n) || n === 'train-images-idx3-ubyte.gz')).toEqual([]);
    // What was received (if the signal came after the first bytes) stays resumable under the one name
    // the next run claims.
    expect(left.filter((n) => n !== 'train-images-idx3-ubyte.gz.part')).toEqual([]);
  });

  test('softmax train --dataset mnist downloading into the cache, SIGTERM: exit 143, no run directory', async () => {
    const cache = tempDir();
    const out = join(tempDir(), 'run');
    const run = await signalledDuringDownload(
      (url) => ({
        args: ['train', '--dataset', 'mnist', '--out', out, '--backend', 'cpu', '--log-level', 'silent'],
        env: { XDG_CACHE_HOME: cache, SOFTMAX_MIRROR: url, SOFTMAX_DATA_DIR: '' },
      }),
      'SIGTERM',
    );
    expectRefused(run, 143, /^softmax: SIGTERM: stopped while downloading train-images-idx3-ubyte\.gz\.$/);
    expect(await tree(out)).toEqual([]);
    expect((await tree(cache)).filter((n) => RANDOM_TEMP.test(n))).toEqual([]);
  });
});

describe('hangs: evaluate and predict downloading their test set stop on a signal too', () => {
  let model = '';
  beforeAll(async () => {
    const net = new Sequential().add(new Dense(10, { inUnits: 784 }));
    net.initialize(Zeros());
    model = join(tempDir(), 'model');
    await net.saveParameters(model, { classes: MNIST.classes, dataset: 'mnist' });
    net.dispose();
  });

  test.each([
    ['evaluate', 'SIGINT', 130],
    ['predict', 'SIGTERM', 143],
  ] as const)('softmax %s of an MNIST model, %s while its test set downloads: exit %d', async (command, sig, code) => {
    const cache = tempDir();
    const out = join(tempDir(), 'picture.png');
    const run = await signalledDuringDownload(
      (url) => ({
        args: [command, '--model', model, '--out', out, '--backend', 'cpu', '--log-level', 'silent'],
        env: { XDG_CACHE_HOME: cache, SOFTMAX_MIRROR: url, SOFTMAX_DATA_DIR: '' },
      }),
      sig,
    );
    expectRefused(
      run,
      code,
      new RegExp(`^softmax: ${sig}: stopped while downloading train-images-idx3-ubyte\\.gz\\.$`),
    );
    expect((await tree(cache)).filter((n) => RANDOM_TEMP.test(n))).toEqual([]);
    expect(await tree(out)).toEqual([]);
  });
});

describe('hangs: a mirror that trickles bytes fails on the minimum rate', () => {
  test('1 byte every 50 ms against a minimum of 100 bytes/s over 0.5 s: DownloadError, retried, then given up', async () => {
    const fake = fakeDataset();
    const body = fake.served['train-images-idx3-ubyte.gz']!;
    const trickle = (_: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-length': body.length });
      let i = 0;
      const timer = setInterval(() => (i < body.length ? res.write(body.subarray(i, ++i)) : clearInterval(timer)), 50);
      res.on('close', () => clearInterval(timer));
    };
    const s = await startServer({ '/train-images-idx3-ubyte.gz': trickle });
    servers.push(s);
    const dir = tempDir();
    const pending = downloadDataset(fake.info, {
      ...FAST,
      dir,
      mirrors: [s.url],
      minBytesPerSecond: 100,
      rateWindowMs: 500,
    });
    await expect(pending).rejects.toThrow(DownloadError);
    await expect(pending).rejects.toThrow(/too slow: \d+ bytes in 0\.5 s, below the minimum of 100 bytes\/s/);
    expect(s.requests).toHaveLength(3); // the first try and FAST's two retries
    expect((await tree(dir)).filter((n) => RANDOM_TEMP.test(n))).toEqual([]);
  });
});

describe('hangs: a FIFO where a data file should be is refused without opening a reader', () => {
  test('softmax train --data-dir with a FIFO for train-images: exit 3, one line', async () => {
    const dir = await withRealFiles([
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    execFileSync('mkfifo', [join(dir, 'train-images-idx3-ubyte')]);
    const run = await runCli(['train', '--data-dir', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 3, /train-images-idx3-ubyte: is a named pipe \(FIFO\), not a regular file/);
  });
});
