/**
 * Fault class "following a link where a file is made" (issue 11, unsafe): links, FIFOs and directories
 * planted at the names the downloader and the atomic writers create or resume. Nothing may be written
 * where a link points; a planted partial is never resumed; the work still completes (or fails with one
 * line) and the planted target keeps every byte.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allFiles } from '../../src/core/data/datasets.js';
import type { Logger } from '../../src/core/logger.js';
import { writeDirAtomic, writeFileAtomic } from '../../src/node/atomic.js';
import { downloadDataset } from '../../src/node/data/download.js';
import { FetchError, fetchToFile } from '../../src/node/data/http.js';
import { readFashionMnist } from '../../src/node/data/read.js';
import { OutputError } from '../../src/core/errors.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import type { TestServer } from '../node/data/download-fixtures.js';
import { FAST, cut, fakeDataset, serveAll, startServer } from '../node/data/download-fixtures.js';
import { tempDir } from '../helpers.js';

const fake = fakeDataset();
const IMAGES = 'train-images-idx3-ubyte.gz';
const NAMES = allFiles(fake.info).map((f) => f.file);
const PRECIOUS = 'a shared file outside --dir\n';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ ...serveAll(fake), [`/cut/${IMAGES}`]: cut(fake.served[IMAGES]!, 100, 'reset') });
});
afterAll(() => server.close());

/** A logger keeping its warnings' messages. */
function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = (): void => {};
  return { debug: noop, info: noop, error: noop, warn: (_o, msg) => void warnings.push(msg ?? ''), warnings };
}

/** A directory with a file outside it to plant links to. */
function setUp(): { dir: string; outside: string } {
  const root = tempDir();
  const outside = join(root, 'shared.bin');
  writeFileSync(outside, PRECIOUS);
  const dir = join(root, 'data');
  mkdirSync(dir);
  return { dir, outside };
}

async function expectVerified(dir: string): Promise<void> {
  expect((await readFashionMnist(dir, { train: true, dataset: fake.info })).count).toBe(5);
  expect((await readFashionMnist(dir, { train: false, dataset: fake.info })).count).toBe(4);
}

describe('the downloader never writes through a planted partial', () => {
  it('<file>.part is a link to a shared file: not resumed, the download verifies, the shared file is unchanged', async () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, `${IMAGES}.part`));
    const logger = recorder();
    await downloadDataset(fake.info, { ...FAST, dir, mirrors: [server.url], logger });
    await expectVerified(dir);
    expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
    expect(logger.warnings).toContain('not a regular file (a link?): not resuming from it');
  });

  it('the same, and the download is cut: the prefix is kept as a regular .part, the shared file is unchanged', async () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, `${IMAGES}.part`));
    const failed = downloadDataset(fake.info, { ...FAST, dir, mirrors: [`${server.url}cut/`], retryDelaysMs: [] });
    await expect(failed).rejects.toThrow(/^Could not download train-images-idx3-ubyte\.gz of Fake-MNIST/);
    expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
    const part = lstatSync(join(dir, `${IMAGES}.part`));
    expect([part.isFile(), part.size]).toEqual([true, 100]);
  });

  it('<file>.part is a FIFO or a directory: neither resumed nor opened (no hang), the download verifies', async () => {
    const { dir } = setUp();
    execFileSync('mkfifo', [join(dir, `${IMAGES}.part`)]);
    mkdirSync(join(dir, `${NAMES[1]}.part`));
    await downloadDataset(fake.info, { ...FAST, dir, mirrors: [server.url] });
    await expectVerified(dir);
    expect(lstatSync(join(dir, `${IMAGES}.part`)).isFIFO()).toBe(true); // not ours to remove
  });

  it('the data file itself is a link to a shared file: replaced by the verified file, the shared file unchanged', async () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, IMAGES));
    await downloadDataset(fake.info, { ...FAST, dir, mirrors: [server.url] });
    await expectVerified(dir);
    expect(lstatSync(join(dir, IMAGES)).isFile()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
  });

  it('fetchToFile into a link: a non-retryable FetchError, nothing written', async () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, 'x.part'));
    const err = await fetchToFile(`${server.url}${IMAGES}`, join(dir, 'x.part')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/^refusing to write .*x\.part: it is a symbolic link$/);
    expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
  });
});

describe('atomic writes never go through a link', () => {
  it('writeFileAtomic over a link (metrics.jsonl -> shared file) replaces the link, not its target', async () => {
    const { dir, outside } = setUp();
    symlinkSync(outside, join(dir, 'metrics.jsonl'));
    await writeFileAtomic(join(dir, 'metrics.jsonl'), '{"epoch":1}\n');
    expect(lstatSync(join(dir, 'metrics.jsonl')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe('{"epoch":1}\n');
    expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
  });

  it('writeDirAtomic onto a link to a directory: OutputError (exit 10), the linked directory untouched', async () => {
    const { dir } = setUp();
    const elsewhere = join(dir, '..', 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'keep.txt'), PRECIOUS);
    symlinkSync(elsewhere, join(dir, 'model'));
    const err = await writeDirAtomic(join(dir, 'model'), { 'model.json': '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(exitCodeOf(err as OutputError)).toBe(10);
    expect((err as Error).message).toMatch(/model: it is a symbolic link, not a directory softmax wrote\./);
    expect(readdirSync(elsewhere)).toEqual(['keep.txt']);
    expect(readdirSync(dir)).toEqual(['model']);
  });
});
