/**
 * `softmax download` end to end against a 127.0.0.1 server holding the real Fashion-MNIST files (the
 * repo's copy) or corrupted ones: in-process through `main`, and as two concurrent processes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { main } from '../../../src/cli/main.js';
import { FASHION_MNIST_FILES } from '../../../src/core/data/datasets.js';
import { readFashionMnist } from '../../../src/node/data/read.js';
import { encodeIdx } from '../../../src/core/data/idx.js';
import type { Handler, TestServer } from '../../node/data/download-fixtures.js';
import { serve, startServer } from '../../node/data/download-fixtures.js';
import { tempDir } from '../../helpers.js';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const NAMES = [
  FASHION_MNIST_FILES.train.images,
  FASHION_MNIST_FILES.train.labels,
  FASHION_MNIST_FILES.test.images,
  FASHION_MNIST_FILES.test.labels,
].map((f) => f.file);
const real = (name: string): Buffer => readFileSync(join(ROOT, 'datasets/fashion-mnist', name));

let server: TestServer;
beforeAll(async () => {
  const wrong = gzipSync(encodeIdx([1, 28, 28], new Uint8Array(784)));
  const routes: Record<string, Handler> = {};
  for (const name of NAMES) {
    routes[`/good/${name}`] = serve(real(name));
    routes[`/corrupt/${name}`] = serve(wrong);
  }
  server = await startServer(routes);
});
afterAll(() => server.close());

/** Runs the CLI in-process; captures the error lines `main` prints and what the command writes. */
async function run(argv: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((t) => ((out += String(t)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((t) => ((err += String(t)), true));
  try {
    const code = await main([...argv, '--log-level', 'silent'], { stdout: () => {}, stderr: (t) => void (err += t) });
    return { code, err, out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('softmax download', () => {
  it(
    'fetches the official files from --mirror (after a mirror that 404s), ' + 'verifies them, says what it did',
    async () => {
      const dir = tempDir();
      const { code, err, out } = await run([
        'download',
        '--mirror',
        `${server.url}missing/`,
        '--mirror',
        `${server.url}good/`,
        '--dir',
        dir,
      ]);
      expect(code).toBe(0);
      expect(err).toContain(
        `Fashion-MNIST: checking ${dir}; missing files come from ${server.url}missing/, ${server.url}good/`,
      );
      expect(err).toContain('downloading train-images-idx3-ubyte.gz');
      expect(out).toBe(`Fashion-MNIST is ready in ${dir}: 4 files downloaded, 0 already present, all verified\n`);
      expect((await readdir(dir)).sort()).toEqual([...NAMES].sort());
      const test = await readFashionMnist(dir, { train: false });
      expect(test.count).toBe(10000);

      const again = await run(['download', '--mirror', `${server.url}good/`, '--dir', dir]);
      expect(again.out).toMatch(/0 files downloaded, 4 already present/);
    },
  );

  it('corrupted bytes: exit 6, one line naming the file and both digests, nothing left behind', async () => {
    const dir = tempDir();
    const { code, err } = await run(['download', '--mirror', `${server.url}corrupt/`, '--dir', dir]);
    expect(code).toBe(6);
    const line = err.split('\n').find((l) => l.startsWith('softmax: ')) ?? '';
    expect(line).toMatch(
      new RegExp(
        `^softmax: Could not download train-images-idx3-ubyte.gz of Fashion-MNIST into ${dir} from any of 1 mirror: ` +
          `${server.url}corrupt/train-images-idx3-ubyte.gz \\(bad content: ` +
          `sha256 of the decompressed content is [0-9a-f]{64}, ` +
          `expected ${FASHION_MNIST_FILES.train.images.sha256}\\)\\. Try a reachable mirror with --mirror URL`,
      ),
    );
    expect(err).not.toMatch(/\n\s+at /);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an unwritable --dir: exit 6 before any request', async () => {
    const file = join(tempDir(), 'plain-file');
    await writeFile(file, '');
    const before = server.requests.length;
    const { code, err } = await run(['download', '--mirror', `${server.url}good/`, '--dir', join(file, 'x')]);
    expect(code).toBe(6);
    expect(err).toMatch(
      /^softmax: Cannot write to .*plain-file\/x \(a file is in the way of a directory on that path\), so nothing was downloaded/m,
    );
    expect(server.requests.length).toBe(before);
  });

  it.each([
    [['--dataset', 'cifar'], /Invalid values:[\s\S]*dataset[\s\S]*"cifar"/],
    [['--mirror', 'ftp://example.org/'], /Mirror 'ftp:\/\/example.org\/' is not an http:\/\/ or https:\/\/ URL/],
    [['--mirror'], /Not enough arguments following: mirror/],
  ])('bad flags %p: exit 2, one line', async (flags, message) => {
    const { code, err } = await run(['download', '--dir', tempDir(), ...flags]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});

describe('the softmax executable: download', () => {
  it('download --help answers without loading TensorFlow.js', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(CLI)}).main(['download', '--help']).then((c) => {
         const tf = Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
         console.error('exit', c, 'tensorflow modules', tf.length);
       });`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stdout).toMatch(/--mirror/);
    expect(probe.stdout).toMatch(/--force/);
    expect(probe.stderr).toMatch(/exit 0 tensorflow modules 0/);
  });

  it('two processes downloading into one directory both end with verified files', async () => {
    const dir = tempDir();
    const child = () =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const p = spawn(process.execPath, [
          CLI,
          'download',
          '--mirror',
          `${server.url}good/`,
          '--dir',
          dir,
          '--force',
          '--log-level',
          'silent',
        ]);
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('close', (code) => done({ code, err }));
      });
    const results = await Promise.all([child(), child()]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect((await readdir(dir)).sort()).toEqual([...NAMES].sort());
    const [train, test] = await Promise.all([
      readFashionMnist(dir, { train: true }),
      readFashionMnist(dir, { train: false }),
    ]);
    expect([train.count, test.count]).toEqual([60000, 10000]);
  });
});
