/**
 * Fault corpus, class "unbounded memory or disk": devices, FIFOs, huge or endless files and bodies in
 * every place a file is read. Each is refused with one line; the reading child's peak RSS is bounded:
 * BOUND_REFUSED (100 MiB, a bare `node` with the reader loaded peaks at ~50 MiB) when the file is
 * refused before its content is read, BOUND_BOMB (180 MiB) for a gzip bomb, whose inflation stops at
 * the 44.9 MiB the table allows the file.
 */
import { execFileSync } from 'node:child_process';
import { open, stat, symlink, writeFile } from 'node:fs/promises';
import type * as http from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DownloadError, OutputError } from '../../src/core/errors.js';
import { downloadDataset } from '../../src/node/data/download.js';
import { FAST, fakeDataset, startServer } from '../node/data/download-fixtures.js';
import type { TestServer } from '../node/data/download-fixtures.js';
import { tempDir } from '../helpers.js';
import { RANDOM_TEMP, REAL_DATA, expectRefused, runCli, runScript, tree, withRealFiles } from './input-harness.js';

const BOUND_REFUSED = 100;
const BOUND_BOMB = 180;
const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? test : test.skip;

const servers: TestServer[] = [];
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))));

/** Reads Fashion-MNIST's train-images entry from `dir` in a child; prints the error's class and message. */
function readInChild(dir: string, { verify = true } = {}) {
  return runScript(`
    const { readIdxFile } = require('./dist/node/data/read.js');
    const { FASHION_MNIST } = require('./dist/core/data/datasets.js');
    readIdxFile(${JSON.stringify(dir)}, FASHION_MNIST.files.train.images, { verify: ${verify} }).then(
      (r) => console.log('read ' + r.bytes.length),
      (e) => console.log(e.name + ': ' + e.message),
    );`);
}

/** A sparse file of `size` bytes starting with `head`. */
async function sparse(file: string, size: number, head: Uint8Array): Promise<void> {
  const h = await open(file, 'w');
  await h.write(head, 0, head.length, 0);
  await h.truncate(size);
  await h.close();
}

/** The 16-byte IDX header of `n` 28 × 28 images. */
function imagesHeader(n: number): Uint8Array {
  const head = new DataView(new ArrayBuffer(16));
  [0x803, n, 28, 28].forEach((v, i) => head.setUint32(4 * i, v));
  return new Uint8Array(head.buffer);
}

describe('data files: only regular files, read within what the header and the table allow', () => {
  test.each([
    ['/dev/zero (a device)', '/dev/zero', /is a device, not a regular file/],
    ['/dev/urandom (a device)', '/dev/urandom', /is a device, not a regular file/],
  ])('%s as train-images: IdxFormatError, memory bounded', async (_, target, pattern) => {
    const dir = tempDir();
    await symlink(target, join(dir, 'train-images-idx3-ubyte'));
    const run = await readInChild(dir);
    expect(run.stdout).toMatch(new RegExp(`^IdxFormatError: .*train-images-idx3-ubyte: ${pattern.source}`));
    expect(run.peakMiB).toBeLessThan(BOUND_REFUSED);
  });

  test('a FIFO with a writer that never stops: refused without reading', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'train-images-idx3-ubyte');
    execFileSync('mkfifo', [fifo]);
    const run = await readInChild(dir);
    expect(run.stdout).toMatch(/^IdxFormatError: .*: is a named pipe \(FIFO\), not a regular file/);
    expect(run.peakMiB).toBeLessThan(BOUND_REFUSED);
  });

  test('a 2.1 GB plain file with a consistent header: refused before reading (no RangeError, no abort)', async () => {
    const dir = tempDir();
    const n = 2_800_000; // 16 + n·784 = 2,195,200,016 bytes > 2 GiB
    await sparse(join(dir, 'train-images-idx3-ubyte'), 16 + n * 784, imagesHeader(n));
    for (const verify of [true, false]) {
      const run = await readInChild(dir, { verify });
      expect(run.stdout).toMatch(/^IdxFormatError: .*: is 2\.0 GiB, more than the (44\.9|128\.0) MiB expected/);
      expect(run.peakMiB).toBeLessThan(BOUND_REFUSED);
    }
  });

  test('a 600 MB plain file whose header does not match its length: refused from the header alone', async () => {
    const dir = tempDir();
    await sparse(join(dir, 'train-images-idx3-ubyte'), 600_000_000, imagesHeader(60000));
    const run = await readInChild(dir);
    expect(run.stdout).toMatch(/^IdxFormatError: .*: 552959984 trailing bytes: header says 47040000 bytes/);
    expect(run.peakMiB).toBeLessThan(BOUND_REFUSED);
  });

  test('a gzip bomb (300 MB of zeros in 290 KB): inflation stops at the table size', async () => {
    const dir = tempDir();
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(new Uint8Array(300_000_000), { level: 9 }));
    const run = await readInChild(dir);
    expect(run.stdout).toMatch(/^IdxFormatError: .*\.gz: decompresses to more than 47040016 bytes/);
    expect(run.peakMiB).toBeLessThan(BOUND_BOMB);
  });

  test.each([
    ['a directory', async (f: string) => void execFileSync('mkdir', [f]), /is a directory, not a regular file/],
    [
      'a symlink loop',
      async (f: string) => void (await symlink(`${f}.other`, f), await symlink(f, `${f}.other`)),
      /cannot read it: too many levels of symbolic links/,
    ],
  ])('softmax train --data-dir with %s for train-images: exit 3, one line', async (_, make, pattern) => {
    const dir = await withRealFiles([
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    await make(join(dir, 'train-images-idx3-ubyte.gz'));
    const run = await runCli(['train', '--data-dir', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 3, new RegExp(`train-images-idx3-ubyte\\.gz: ${pattern.source}`));
  });

  asRoot('softmax train --data-dir with an unreadable file (run as nobody): exit 3, permission denied', async () => {
    const dir = tempDir();
    execFileSync('chmod', ['755', dir]);
    for (const n of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'])
      execFileSync('cp', [join(REAL_DATA, n), join(dir, n)]);
    await writeFile(join(dir, 'train-images-idx3-ubyte.gz'), 'secret', { mode: 0o600 });
    execFileSync('chmod', ['-R', 'a+rX', join(dir, '..')]);
    execFileSync('chmod', ['600', join(dir, 'train-images-idx3-ubyte.gz')]);
    const run = await runCli(['train', '--data-dir', dir, '--backend', 'cpu', '--log-level', 'silent'], {
      uid: 65534,
      env: { HOME: dir },
    });
    expectRefused(run, 3, /train-images-idx3-ubyte\.gz: cannot read it: permission denied/);
  });
});

describe('saved models and images: regular files only, bounded', () => {
  /** A good model directory: trained once here (1 epoch on 300 examples) and reused. */
  let model = '';
  beforeAll(async () => {
    const out = join(tempDir(), 'run');
    const run = await runCli([
      'train',
      '--epochs',
      '1',
      '--limit',
      '300',
      '--backend',
      'cpu',
      '--out',
      out,
      '--log-level',
      'silent',
    ]);
    expect(run.code).toBe(0);
    model = join(out, 'model');
  });

  /** A copy of the good model with `name` replaced by `make(path)`. */
  async function modelWith(name: string, make: (file: string) => Promise<void>): Promise<string> {
    const dir = join(tempDir(), 'model');
    execFileSync('cp', ['-r', model, dir]);
    execFileSync('rm', ['-f', join(dir, name)]);
    await make(join(dir, name));
    return dir;
  }

  test.each([
    ['weights.bin', '/dev/zero', /weights\.bin: is a device, not a regular file/],
    ['model.json', '/dev/urandom', /model\.json: is a device, not a regular file/],
  ])('%s -> %s: exit 7, memory bounded', async (name, target, pattern) => {
    const dir = await modelWith(name, (f) => symlink(target, f));
    const run = await runCli(['evaluate', '--model', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 7, pattern);
  });

  test('model.json a FIFO: exit 7 at once', async () => {
    const dir = await modelWith('model.json', async (f) => void execFileSync('mkfifo', [f]));
    const run = await runCli(['evaluate', '--model', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 7, /model\.json: is a named pipe \(FIFO\), not a regular file/);
  });

  test('weights.bin longer than the manifest says (sparse 3 GB): exit 7 before reading', async () => {
    const dir = await modelWith('weights.bin', (f) => sparse(f, 3_000_000_000, new Uint8Array(1)));
    const run = await runCli(['evaluate', '--model', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 7, /weights\.bin: holds 3000000000 bytes, the manifest says \d+/);
    expect(run.peakMiB).toBeLessThan(400); // the CLI with TensorFlow.js loaded; the file is not read
  });

  test('a 20 MB model.json: exit 7, not parsed', async () => {
    const dir = await modelWith('model.json', (f) => sparse(f, 20_000_000, Buffer.from('{"a":"')));
    const run = await runCli(['evaluate', '--model', dir, '--backend', 'cpu', '--log-level', 'silent']);
    expectRefused(run, 7, /model\.json: is 19\.1 MiB, more than the 16\.0 MiB a model manifest/);
  });

  test.each([
    ['/dev/zero', async (f: string) => symlink('/dev/zero', f), /is a device, not a regular file/],
    [
      'a 100 MB sparse file',
      (f: string) => sparse(f, 100_000_000, new Uint8Array(1)),
      /is 95\.4 MiB, more than the 64\.0 MiB an image file can be/,
    ],
    ['a directory', async (f: string) => void execFileSync('mkdir', [f]), /is a directory, not a regular file/],
  ])('--image %s: exit 9', async (_, make, pattern) => {
    const file = join(tempDir(), 'shirt.png');
    await make(file);
    const run = await runCli([
      'predict',
      '--model',
      model,
      '--image',
      file,
      '--backend',
      'cpu',
      '--out',
      join(tempDir(), 'p.png'),
    ]);
    expectRefused(run, 9, new RegExp(`shirt\\.png: ${pattern.source}`));
  });
});

describe('downloads: bounded by Content-Length and the known size', () => {
  const fake = fakeDataset();
  const IMAGES = 'train-images-idx3-ubyte.gz';
  const limit = 2 * fake.info.files.train.images.bytes + 1024;

  async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
    const s = await startServer({ [`/${IMAGES}`]: handler });
    servers.push(s);
    return s;
  }

  test('an endless body without Content-Length stops at the file bound; not retried; nothing kept over it', async () => {
    const s = await server((_, res) => {
      res.writeHead(200); // chunked, no length
      const chunk = Buffer.alloc(4096, 1);
      const pump = (): void => void (res.write(chunk) ? setImmediate(pump) : res.once('drain', pump));
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const dir = tempDir();
    const pending = downloadDataset(fake.info, { ...FAST, dir, mirrors: [s.url] });
    await expect(pending).rejects.toThrow(DownloadError);
    await expect(pending).rejects.toThrow(
      new RegExp(`the body would make the file \\d+ bytes, more than the ${limit}`),
    );
    expect(s.requests).toHaveLength(1);
    const sizes = await Promise.all((await tree(dir)).map(async (n) => (await stat(join(dir, n))).size));
    expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(limit);
    expect((await tree(dir)).filter((n) => RANDOM_TEMP.test(n))).toEqual([]);
  });

  test('a Content-Length over the bound is refused before a byte is written', async () => {
    const s = await server((_, res) => {
      res.writeHead(200, { 'content-length': 50_000_000_000 });
      res.write(Buffer.alloc(1024));
    });
    const dir = tempDir();
    await expect(downloadDataset(fake.info, { ...FAST, dir, mirrors: [s.url] })).rejects.toThrow(
      /the body would make the file 50000000000 bytes, more than the \d+ it can be/,
    );
    expect(await tree(dir)).toEqual([]);
  });

  asRoot('a full disk during a download is OutputError (ENOSPC), not retried as a lost connection', async () => {
    const big = fakeDataset({ count: 300 }); // ~235 KB of images, gzipped to more than a 64 KB disk holds
    const body = gzipSync(
      Uint8Array.from({ length: 300 * 784 + 16 }, (_, i) => (i * 7919) % 251),
      { level: 0 },
    );
    const s = await startServer({
      [`/${IMAGES}`]: (_, res) => {
        res.writeHead(200, { 'content-length': body.length });
        res.end(body);
      },
    });
    servers.push(s);
    const mnt = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    try {
      const pending = downloadDataset(big.info, { ...FAST, dir: mnt, mirrors: [s.url] });
      await expect(pending).rejects.toThrow(OutputError);
      await expect(pending).rejects.toThrow(/no space left on the device/);
      expect(s.requests).toHaveLength(1);
      expect(await tree(mnt)).toEqual([]); // the prefix is removed: it would keep the disk full
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
