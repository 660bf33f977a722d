/**
 * SIGKILL inside a write's window (issue 11, acceptance): each write is held at a pause point
 * (`SOFTMAX_TEST_PAUSE`, src/node/test-pause.ts) or at a state the test waits for, killed there with
 * SIGKILL, and then the previous good copy must load and a rerun must succeed and leave no temporary:
 * the model bundle (both the one-step swap and the two-rename fallback), a checkpoint, the run
 * directory's files, and a download.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allFiles } from '../../src/core/data/datasets.js';
import { NATIVE_ADDON_PATH } from '../../src/node/backend/native.js';
import { readBundle, writeBundle } from '../../src/node/bundle-files.js';
import { readCheckpoint } from '../../src/node/checkpoint-store.js';
import { downloadDataset } from '../../src/node/data/download.js';
import { readFashionMnist } from '../../src/node/data/read.js';
import type { TestServer } from '../node/data/download-fixtures.js';
import { FAST, fakeDataset, serveAll, stall, startServer } from '../node/data/download-fixtures.js';
import { tempDir } from '../helpers.js';
import type { Exit } from './fault-helpers.js';
import { QUICK, SILENT, cli, script, snapshot } from './fault-helpers.js';

/** A bundle whose manifest says `v`. */
const arrays = (v: number) => [{ name: 'w', shape: [3], data: Float32Array.from([v, v, v]) }];
const versionOf = async (dir: string) => (await readBundle<{ v: number }>(dir, 'model')).manifest.v;

/** A child writing bundle v2 into `dir`, killed at `pause`. */
function killedWriting(dir: string, pause: string, env: Record<string, string> = {}): Promise<Exit> {
  const source = `require(DIST + '/node/bundle-files.js').writeBundle(process.env.TARGET, 'model', { v: 2 },
    [{ name: 'w', shape: [3], data: Float32Array.from([2, 2, 2]) }]);`;
  return script(source, { env: { TARGET: dir, ...env }, pauseAt: pause });
}

function expectKilledAt(exit: Exit, path: string): void {
  expect({ signal: exit.signal, pausedAt: exit.pausedAt }).toEqual({ signal: 'SIGKILL', pausedAt: path });
}

describe('model bundle: SIGKILL while it is replaced', () => {
  const exchange = existsSync(NATIVE_ADDON_PATH); // CI builds the addon; without it the fallback runs
  it.each([
    ['mid-assembly (dir-write)', 'dir-write:model', {}, 1],
    ['just before the swap (dir-swap)', 'dir-swap:model', {}, 1],
    ['after the swap, old copy not yet removed (dir-cleanup)', 'dir-cleanup:model', {}, 2],
    ['fallback: old copy aside, new not yet in (dir-aside)', 'dir-aside:model', { SOFTMAX_TEST_NO_EXCHANGE: '1' }, 1],
    ['fallback: new in place, old aside (dir-cleanup)', 'dir-cleanup:model', { SOFTMAX_TEST_NO_EXCHANGE: '1' }, 2],
  ])('%s: a complete copy loads; the next write cleans up', async (_, pause, env, loads) => {
    const root = tempDir();
    const dir = join(root, 'model');
    await writeBundle(dir, 'model', { v: 1 }, arrays(1));
    const exit = await killedWriting(dir, pause, env);
    expectKilledAt(exit, dir);
    expect(await versionOf(dir)).toBe(loads);
    expect(readdirSync(root).length).toBe(2); // model (or its aside copy) and the dead writer's temporary
    if (pause === 'dir-cleanup:model')
      expect(readdirSync(root).find((n) => n !== 'model')).toMatch(
        'SOFTMAX_TEST_NO_EXCHANGE' in env || !exchange ? /\.old$/ : /\.part$/,
      );
    await writeBundle(dir, 'model', { v: 3 }, arrays(3));
    expect(await versionOf(dir)).toBe(3);
    expect(readdirSync(root)).toEqual(['model']);
  });
});

describe('training: SIGKILL inside a checkpoint and a run directory write, then a rerun', () => {
  it('checkpoint epoch-0002 half assembled: epoch-0001 loads, --resume takes the stale lock and finishes', async () => {
    const ckpt = join(tempDir(), 'ckpt');
    const args = [...QUICK, '--epochs', '3', ...SILENT, '--checkpoint-dir', ckpt];
    const killed = await cli(['train', ...args, '--out', join(tempDir(), 'a')], { pauseAt: 'dir-write:epoch-0002' });
    expectKilledAt(killed, join(ckpt, 'epoch-0002'));
    expect((await readCheckpoint(join(ckpt, 'epoch-0001'))).meta.epoch).toBe(1);
    expect(readdirSync(ckpt).sort()).toEqual([
      '.lock',
      'epoch-0001',
      expect.stringMatching(/^epoch-0002\.\d+-[0-9a-f]{12}\.part$/),
    ]);
    const resumed = await cli(['train', ...args, '--resume', ckpt, '--out', join(tempDir(), 'b')]);
    expect(resumed.code).toBe(0);
    expect(readdirSync(ckpt).sort()).toEqual(['epoch-0001', 'epoch-0002', 'epoch-0003']);
    expect((await readCheckpoint(join(ckpt, 'epoch-0003'))).meta.epoch).toBe(3);
  });

  it('run directory: metrics.jsonl half written, then model/ about to be swapped: the earlier run stays whole', async () => {
    const out = join(tempDir(), 'run');
    const run = (epochs: number, pauseAt?: string) =>
      cli(
        ['train', ...QUICK, '--epochs', String(epochs), ...SILENT, '--out', out],
        pauseAt === undefined ? {} : { pauseAt },
      );
    expect((await run(1)).code).toBe(0);
    const first = snapshot(out);
    const files = (s: Record<string, string>) =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !k.includes('.part') && k !== '.lock'));

    expectKilledAt(await run(2, 'file-write:metrics.jsonl'), join(out, 'metrics.jsonl'));
    expect(files(snapshot(out))).toEqual(first);

    expectKilledAt(await run(2, 'dir-swap:model'), join(out, 'model'));
    const now = snapshot(out);
    expect(now['model/weights.bin']).toBe(first['model/weights.bin']);
    expect(now['run.json']).toBe(first['run.json']);
    await readBundle(join(out, 'model'), 'model');

    expect((await run(2)).code).toBe(0);
    expect(Object.keys(snapshot(out))).toEqual(Object.keys(first)); // the same files, no temporary left
    expect(readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('download: SIGKILL mid-body and just before the rename, with --force over a good copy', () => {
  const fake = fakeDataset();
  const IMAGES = 'train-images-idx3-ubyte.gz';
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ ...serveAll(fake), [`/stall/${IMAGES}`]: stall(fake.served[IMAGES]!, 100) });
  });
  afterAll(() => server.close());

  /** A child running `downloadDataset(fake, { dir, mirrors: [mirror], force: true })`. */
  const child = (dir: string, mirror: string, opts: { pauseAt?: string; killWhen?: () => boolean }) =>
    script(
      `require(DIST + '/node/data/download.js').downloadDataset(JSON.parse(process.env.INFO),
        { dir: process.env.DIR, mirrors: [process.env.MIRROR], force: true, idleTimeoutMs: 60000 });`,
      { env: { INFO: JSON.stringify(fake.info), DIR: dir, MIRROR: mirror }, ...opts },
    );

  async function expectGood(dir: string): Promise<void> {
    expect((await readFashionMnist(dir, { train: true, dataset: fake.info })).count).toBe(5);
    expect((await readFashionMnist(dir, { train: false, dataset: fake.info })).count).toBe(4);
  }

  it.each([
    ['mid-body (100 bytes in the partial)', 'stall/', undefined],
    ['verified, just before the rename (download-rename)', '', `download-rename:${IMAGES}`],
  ])('%s: the previous file verifies; a rerun succeeds', async (_, path, pauseAt) => {
    const dir = tempDir();
    await downloadDataset(fake.info, { ...FAST, dir, mirrors: [server.url] });
    const good = readFileSync(join(dir, IMAGES));
    const partial = () =>
      readdirSync(dir).some(
        (n) => n.startsWith(`${IMAGES}.`) && n.endsWith('.part') && readFileSync(join(dir, n)).length === 100,
      );
    const exit = await child(dir, `${server.url}${path}`, pauseAt === undefined ? { killWhen: partial } : { pauseAt });
    expect(exit.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, IMAGES))).toEqual(good);
    await expectGood(dir);
    await downloadDataset(fake.info, { ...FAST, dir, mirrors: [server.url], force: true });
    await expectGood(dir);
    expect(allFiles(fake.info).every((f) => existsSync(join(dir, f.file)))).toBe(true);
  });
});
