/**
 * Where a data set is looked for (explicit dir, repo, cache, system copy, then a download), the mirror
 * list, and `loadFashionMnist` on top of it. Fake data sets and a 127.0.0.1 server; no internet.
 */
import { mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFashionMnist } from '../../../src/core/data/data-loader.js';
import { MNIST, MNIST_FILES, datasetInfo } from '../../../src/core/data/datasets.js';
import { mirrorsFrom } from '../../../src/node/data/download.js';
import { loadSplits, searchPath, userCacheDir } from '../../../src/node/data/store.js';
import type { Location } from '../../../src/node/data/store.js';
import { ConfigError, DataNotFoundError } from '../../../src/core/errors.js';
import type { TestServer } from './download-fixtures.js';
import { FAST, fakeDataset, listing, serveAll, startServer } from './download-fixtures.js';
import { dirWith, tempDir } from '../../helpers.js';

const fake = fakeDataset();
const NAMES = Object.keys(fake.served).sort();

let server: TestServer;
beforeAll(async () => void (server = await startServer(serveAll(fake))));
afterAll(() => server.close());
beforeEach(() => void server.requests.splice(0));

const options = (extra: Parameters<typeof loadSplits>[1] = {}) => ({
  ...FAST,
  env: {},
  mirrors: [server.url],
  ...extra,
});

describe('loadSplits: the lookup order', () => {
  test('the first location with a verified copy wins; a corrupt copy and a missing one are skipped', async () => {
    const corrupt = await dirWith({ ...fake.served, [NAMES[0]!]: fakeDataset({ fill: 3 }).served[NAMES[0]!]! });
    const good = await dirWith(fake.served);
    const locations: Location[] = [
      { kind: 'repo', dir: path.join(good, 'missing') },
      { kind: 'cache', dir: corrupt },
      { kind: 'system', dir: good },
    ];
    const { train, test, source } = await loadSplits(fake.info, options({ locations }));
    expect(source).toEqual({ kind: 'system', dir: good });
    expect([train.count, test.count]).toEqual([5, 4]);
    expect(server.requests).toHaveLength(0);
  });

  test('nothing found: downloads into the cache directory and says so', async () => {
    const cacheDir = path.join(tempDir(), 'cache', 'fake');
    const { source, train } = await loadSplits(fake.info, options({ locations: [], cacheDir }));
    expect(source.kind).toBe('download');
    expect(source.dir).toBe(cacheDir);
    expect(source.files?.map((f) => f.url)).toEqual(NAMES.map(() => expect.stringContaining(server.url)));
    expect(train.count).toBe(5);
    expect(await listing(cacheDir)).toEqual(NAMES);
  });

  test('nothing found and download: false → DataNotFoundError naming every place looked', async () => {
    const empty = tempDir();
    const read = loadSplits(fake.info, options({ locations: [{ kind: 'cache', dir: empty }], download: false }));
    await expect(read).rejects.toThrow(DataNotFoundError);
    await expect(read).rejects.toThrow(new RegExp(`Fake-MNIST not found in ${empty} \\(missing\\)`));
  });

  test('an explicit directory is strict: missing files are an error, never another copy or a download', async () => {
    const empty = tempDir();
    const elsewhere = await dirWith(fake.served);
    const read = loadSplits(fake.info, options({ root: empty, locations: [{ kind: 'repo', dir: elsewhere }] }));
    await expect(read).rejects.toThrow(DataNotFoundError);
    await expect(read).rejects.toThrow(new RegExp(`${empty} has neither`));
    expect(server.requests).toHaveLength(0);
  });

  test('an explicit directory with download: true is filled from the mirrors', async () => {
    const root = tempDir();
    const { source } = await loadSplits(fake.info, options({ root, download: true }));
    expect(source).toMatchObject({ kind: 'download', dir: root });
    expect(await listing(root)).toEqual(NAMES);
  });

  test('SOFTMAX_DATA_DIR counts as an explicit directory', async () => {
    const dir = await dirWith(fake.served);
    const { source } = await loadSplits(fake.info, options({ env: { SOFTMAX_DATA_DIR: dir }, locations: [] }));
    expect(source).toEqual({ kind: 'data-dir', dir });
  });
});

describe('places and mirrors', () => {
  test('searchPath: the repo copy, the user cache ($XDG_CACHE_HOME or ~/.cache), the system copy', () => {
    const repo = path.resolve(__dirname, '../../../datasets/fashion-mnist');
    expect(searchPath('fashion-mnist', { XDG_CACHE_HOME: '/xdg' })).toEqual([
      { kind: 'repo', dir: repo },
      { kind: 'cache', dir: '/xdg/softmax/datasets/fashion-mnist' },
      { kind: 'system', dir: '/usr/share/datasets/fashion-mnist' },
    ]);
    expect(userCacheDir('mnist', {})).toBe(path.join(os.homedir(), '.cache/softmax/datasets/mnist'));
  });

  test('mirrorsFrom: --mirror beats SOFTMAX_MIRROR (comma-separated); a trailing slash is added', () => {
    const env = { SOFTMAX_MIRROR: 'http://a.example/x, https://b.example/y/' };
    expect(mirrorsFrom(['http://c.example/z'], env)).toEqual(['http://c.example/z/']);
    expect(mirrorsFrom([], env)).toEqual(['http://a.example/x/', 'https://b.example/y/']);
    expect(mirrorsFrom(undefined, {})).toBeUndefined();
    expect(() => mirrorsFrom(['ftp://c.example/'], {})).toThrow(ConfigError);
    expect(() => mirrorsFrom(['not a url'], {})).toThrow(/Mirror 'not a url' is not an http:\/\/ or https:\/\/ URL/);
  });

  test('the tables: Fashion-MNIST official mirror first; MNIST pinned by archive MD5 with decompressed sizes', () => {
    expect(datasetInfo('fashion-mnist').mirrors[0]).toBe('http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/');
    expect(MNIST.mirrors[0]).toBe('https://ossci-datasets.s3.amazonaws.com/mnist/');
    expect(MNIST_FILES.train.images).toEqual({
      file: 'train-images-idx3-ubyte.gz',
      bytes: 47040016,
      md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    });
    expect(MNIST_FILES.test.labels).toEqual({
      file: 't10k-labels-idx1-ubyte.gz',
      bytes: 10008,
      md5: 'ec29112dd5afa0611ce80d1b7f02629c',
    });
    expect(() => datasetInfo('cifar')).toThrow(/Unknown data set 'cifar': expected one of fashion-mnist, mnist/);
  });
});

describe('loadFashionMnist with a data set table and the search', () => {
  test('finds or downloads the data set, reports the source, and batches it', async () => {
    const cacheDir = path.join(tempDir(), 'c');
    await mkdir(cacheDir);
    const first = await loadSplits(fake.info, options({ locations: [{ kind: 'cache', dir: cacheDir }], cacheDir }));
    expect(first.source.kind).toBe('download');
    const [trainIter, testIter] = await loadFashionMnist(2, {
      ...options({ locations: [{ kind: 'cache', dir: cacheDir }], cacheDir }),
      dataset: fake.info,
    });
    expect([trainIter.numExamples, testIter.numExamples, trainIter.length]).toEqual([5, 4, 3]);
    const again = await loadSplits(fake.info, options({ locations: [{ kind: 'cache', dir: cacheDir }], cacheDir }));
    expect(again.source).toEqual({ kind: 'cache', dir: cacheDir });
  });
});

describe('SOFTMAX_MIRROR', () => {
  test('replaces the table mirrors for the automatic download too, as for softmax download', async () => {
    const cacheDir = tempDir();
    const { source } = await loadSplits(fake.info, {
      ...FAST,
      env: { SOFTMAX_MIRROR: server.url },
      locations: [],
      cacheDir,
    });
    expect(source).toMatchObject({ kind: 'download', dir: cacheDir });
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
  });
});
