/**
 * The downloader against a scripted HTTP server on 127.0.0.1: every fault mode of issue #3. After each
 * test the target directory holds verified files or nothing (a `<file>.part` only where a resumable
 * partial is intended).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { allFiles } from '../../../src/core/data/datasets.js';
import { downloadDataset } from '../../../src/node/data/download.js';
import type { DownloadOptions } from '../../../src/node/data/download.js';
import { readFashionMnist } from '../../../src/node/data/read.js';
import { DownloadError } from '../../../src/core/errors.js';
import type { FakeDataset, TestServer } from './download-fixtures.js';
import {
  FAST,
  cut,
  fakeDataset,
  listing,
  redirect,
  serve,
  serveAll,
  startServer,
  stall,
  status,
} from './download-fixtures.js';
import { tempDir } from '../../helpers.js';

const fake = fakeDataset();
const NAMES = allFiles(fake.info)
  .map((f) => f.file)
  .sort();
const IMAGES = 'train-images-idx3-ubyte.gz';
const body = (name: string): Buffer => fake.served[name]!;

const servers: TestServer[] = [];
async function server(routes: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(routes);
  servers.push(s);
  return s;
}
afterEach(async () => void (await Promise.all(servers.splice(0).map((s) => s.close()))));

function download(dir: string, mirrors: string[], extra: Partial<DownloadOptions> = {}, data: FakeDataset = fake) {
  return downloadDataset(data.info, { ...FAST, dir, mirrors, ...extra });
}

/** Both splits read back and verify: the files on disk are the official (fake) content. */
async function expectVerified(dir: string, data: FakeDataset = fake): Promise<void> {
  const train = await readFashionMnist(dir, { train: true, dataset: data.info });
  const test = await readFashionMnist(dir, { train: false, dataset: data.info });
  expect([train.count, test.count]).toEqual([5, 4]);
  expect(await listing(dir)).toEqual(NAMES);
}

describe('downloadDataset', () => {
  test('success: fetches, verifies and renames all four files; a second run finds them present', async () => {
    const s = await server(serveAll(fake));
    const dir = path.join(tempDir(), 'new', 'sub');
    const first = await download(dir, [s.url]);
    expect(first.map((r) => r.status)).toEqual(['downloaded', 'downloaded', 'downloaded', 'downloaded']);
    expect(first[0]?.url).toBe(`${s.url}${IMAGES}`);
    await expectVerified(dir);
    const again = await download(dir, [s.url]);
    expect(again.map((r) => r.status)).toEqual(['present', 'present', 'present', 'present']);
    expect(s.requests).toHaveLength(4);
  });

  test('the MD5-of-archive kind of table (MNIST) verifies too, and rejects another archive', async () => {
    const md5 = fakeDataset({ digest: 'md5' });
    const s = await server({
      ...serveAll(md5, '/good/'),
      ...serveAll(fakeDataset({ digest: 'md5', fill: 3 }), '/bad/'),
    });
    const dir = tempDir();
    await download(dir, [`${s.url}good/`], {}, md5);
    await expectVerified(dir, md5);
    const other = tempDir();
    const failed = download(other, [`${s.url}bad/`], {}, md5);
    await expect(failed).rejects.toThrow(/md5 of the \.gz archive is [0-9a-f]{32}, expected [0-9a-f]{32}/);
    expect(await listing(other)).toEqual([]);
  });

  test('404 on the first mirror, then success on the second (a 404 is not retried)', async () => {
    const s = await server(serveAll(fake, '/b/'));
    const dir = tempDir();
    const reports = await download(dir, [`${s.url}a/`, `${s.url}b/`]);
    expect(reports.every((r) => r.url?.startsWith(`${s.url}b/`))).toBe(true);
    expect(s.requests.filter((r) => r.path.startsWith('/a/'))).toHaveLength(4);
    await expectVerified(dir);
  });

  test('500, then success when the same mirror is retried', async () => {
    const s = await server({ ...serveAll(fake), [`/${IMAGES}`]: [status(500), status(503), serve(body(IMAGES))] });
    const dir = tempDir();
    await download(dir, [s.url]);
    expect(s.requests.filter((r) => r.path === `/${IMAGES}`)).toHaveLength(3);
    await expectVerified(dir);
  });

  test('connection reset mid-body: the retry resumes with Range and completes', async () => {
    const b = body(IMAGES);
    const s = await server({ ...serveAll(fake), [`/${IMAGES}`]: [cut(b, 100, 'reset'), serve(b)] });
    const dir = tempDir();
    await download(dir, [s.url]);
    expect(s.requests.filter((r) => r.path === `/${IMAGES}`).map((r) => r.range)).toEqual([undefined, 'bytes=100-']);
    await expectVerified(dir);
  });

  test('truncated body (Content-Length longer than sent): reported, then resumed', async () => {
    const b = body(IMAGES);
    const s = await server({ ...serveAll(fake), [`/${IMAGES}`]: cut(b, 64, 'end') });
    const dir = tempDir();
    const failed = download(dir, [s.url], { retryDelaysMs: [] });
    await expect(failed).rejects.toThrow(new RegExp(`${IMAGES} \\(connection lost after 64 of ${b.length} bytes`));
    // Nothing unverified under a real name; the prefix is kept for the next run.
    expect(await listing(dir)).toEqual([`${IMAGES}.part`]);
    expect((await stat(path.join(dir, `${IMAGES}.part`))).size).toBe(64);
  });

  test('a partial left by a failed run is resumed with Range (206) by the next run, then removed', async () => {
    const b = body(IMAGES);
    const dir = tempDir();
    await writeFile(path.join(dir, `${IMAGES}.part`), b.subarray(0, 50));
    const s = await server(serveAll(fake));
    await download(dir, [s.url]);
    expect(s.requests.find((r) => r.path === `/${IMAGES}`)?.range).toBe('bytes=50-');
    await expectVerified(dir);
  });

  test('a server that ignores Range (200) replaces the partial; a foreign partial is fetched whole again', async () => {
    const b = body(IMAGES);
    const dir = tempDir();
    await writeFile(path.join(dir, `${IMAGES}.part`), b.subarray(0, 50));
    const s = await server({ ...serveAll(fake), [`/${IMAGES}`]: serve(b, { ignoreRange: true }) });
    await download(dir, [s.url]);
    await expectVerified(dir);

    const other = tempDir();
    await writeFile(path.join(other, `${IMAGES}.part`), Buffer.alloc(50, 1)); // not a prefix of this file
    await download(other, [s.url]);
    expect(s.requests.filter((r) => r.path === `/${IMAGES}`).map((r) => r.range)).toEqual([
      'bytes=50-',
      'bytes=50-',
      undefined,
    ]);
    await expectVerified(other);
  });

  test('wrong content: ChecksumError details, bad download removed, an earlier good file untouched', async () => {
    const wrong = fakeDataset({ fill: 3 });
    const s = await server(serveAll(wrong));
    const dir = tempDir();
    const failed = download(dir, [s.url]);
    await expect(failed).rejects.toThrow(DownloadError);
    const { sha256 } = fake.info.files.train.images;
    await expect(failed).rejects.toThrow(
      new RegExp(`${IMAGES} \\(bad content: sha256 of the decompressed content is [0-9a-f]{64}, expected ${sha256}\\)`),
    );
    expect(await listing(dir)).toEqual([]);

    const good = tempDir();
    await download(good, [(await server(serveAll(fake))).url]);
    const before = await readFile(path.join(good, IMAGES));
    await expect(download(good, [s.url], { force: true })).rejects.toThrow(DownloadError);
    expect(await readFile(path.join(good, IMAGES))).toEqual(before);
    await expectVerified(good);
  });

  test('stalled connection: the idle timeout ends it; a retry resumes and succeeds', async () => {
    const b = body(IMAGES);
    const s = await server({ ...serveAll(fake), [`/${IMAGES}`]: [stall(b, 80), stall(b, 0), serve(b)] });
    const dir = tempDir();
    const failed = download(dir, [s.url], { idleTimeoutMs: 150, retryDelaysMs: [] });
    await expect(failed).rejects.toThrow(/\(stalled: no data for 150 ms\)/);
    expect(await listing(dir)).toEqual([`${IMAGES}.part`]);
    await download(dir, [s.url], { idleTimeoutMs: 150 });
    // The next run resumes at 80; that answer (a 200) stalls at once and replaced the partial: whole file next.
    expect(s.requests.filter((r) => r.path === `/${IMAGES}`).map((r) => r.range)).toEqual([
      undefined,
      'bytes=80-',
      undefined,
    ]);
    await expectVerified(dir);
  });

  test('redirects are followed (relative and absolute); a redirect loop fails without retrying', async () => {
    const s = await server({
      ...serveAll(fake, '/real/'),
      [`/${IMAGES}`]: redirect(`/hop/${IMAGES}`, 301),
      [`/hop/${IMAGES}`]: redirect(`../real/${IMAGES}`, 307),
      '/loop/a': redirect('/loop/b'),
      '/loop/b': redirect('/loop/a'),
    });
    // The first mirror redirects the images file to the second and 404s the rest, which then come from it.
    const dir = tempDir();
    const reports = await downloadDataset(fake.info, { ...FAST, dir, mirrors: [s.url, `${s.url}real/`] });
    expect(reports[0]?.url).toBe(`${s.url}real/${IMAGES}`);
    await expectVerified(dir);

    const { train } = fake.info.files;
    const looping = {
      ...fake,
      info: {
        ...fake.info,
        files: { ...fake.info.files, train: { ...train, images: { ...train.images, file: 'a' } } },
      },
    };
    const other = tempDir();
    const failed = download(other, [`${s.url}loop/`], {}, looping);
    await expect(failed).rejects.toThrow(
      /loop\/a \(more than 5 redirects \(the last to .*\/loop\/[ab]\): a redirect loop\?\)/,
    );
    expect(s.requests.filter((r) => r.path.startsWith('/loop/'))).toHaveLength(6);
    expect(await listing(other)).toEqual([]);
  });

  test('two concurrent downloads into one directory both end with verified files', async () => {
    const s = await server(serveAll(fake));
    const dir = tempDir();
    const [a, b] = await Promise.all([download(dir, [s.url]), download(dir, [s.url])]);
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(4);
    await expectVerified(dir);
  });

  test('an unwritable directory is reported before any download starts', async () => {
    const s = await server(serveAll(fake));
    const file = path.join(tempDir(), 'a-file');
    await writeFile(file, 'not a directory');
    const failed = download(path.join(file, 'data'), [s.url]);
    await expect(failed).rejects.toThrow(DownloadError);
    await expect(failed).rejects.toThrow(
      /Cannot write to .*a-file\/data \(a file is in the way of a directory on that path\), so nothing was downloaded/,
    );
    expect(s.requests).toHaveLength(0);
  });

  test('all mirrors failing: one error listing each mirror and why, what to do, exit code 6', async () => {
    const dead = await startServer({});
    const deadUrl = dead.url;
    await dead.close(); // nothing listens there now: connection refused
    const s = await server({
      [`/b/${IMAGES}`]: status(500),
      [`/c/${IMAGES}`]: serve(fakeDataset({ fill: 3 }).served[IMAGES]!),
    });
    const dir = tempDir();
    const failed = download(dir, [`${s.url}a/`, `${s.url}b/`, deadUrl, `${s.url}c/`]);
    const err: DownloadError = await failed.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: DownloadError) => e,
    );
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.file).toBe(IMAGES);
    expect(err.attempts.map((a) => a.url)).toEqual([
      `${s.url}a/${IMAGES}`,
      `${s.url}b/${IMAGES}`,
      `${deadUrl}${IMAGES}`,
      `${s.url}c/${IMAGES}`,
    ]);
    expect(err.message).toMatch(/from any of 4 mirrors: /);
    expect(err.message).toContain(`${s.url}a/${IMAGES} (HTTP 404 Not Found)`);
    expect(err.message).toContain(`${s.url}b/${IMAGES} (HTTP 500 Internal Server Error)`);
    expect(err.message).toMatch(/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz \(connect ECONNREFUSED/);
    expect(err.message).toMatch(
      /c\/train-images-idx3-ubyte\.gz \(bad content: sha256 of the decompressed content is [0-9a-f]{64}, expected [0-9a-f]{64}\)/,
    );
    expect(err.message).toMatch(/--mirror URL.*SOFTMAX_MIRROR.*--data-dir.*apt-get install dataset-fashion-mnist/);
    expect(err.message).not.toMatch(/\n/);
    expect(s.requests.filter((r) => r.path === `/b/${IMAGES}`)).toHaveLength(3); // 1 + 2 retries
    expect(await listing(dir)).toEqual([]);
  });
});
