/**
 * Fault class "two runs on one --checkpoint-dir" (issue 11, data loss): the directory is locked (a
 * `.lock` with the owner's pid; a dead owner's lock is stale and taken over), a run prunes only its own
 * checkpoints (the run id in each manifest; checkpoints older than run ids still load), and temporaries
 * are removed only once their writer is gone.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataLoader } from '../../src/core/data/data-loader.js';
import { DirectoryLockedError, ModelFormatError } from '../../src/core/errors.js';
import type { CheckpointMeta } from '../../src/core/fit/checkpoint.js';
import { Dense } from '../../src/core/nn/dense.js';
import { Sequential } from '../../src/core/nn/sequential.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { CheckpointStore, readCheckpoint } from '../../src/node/checkpoint-store.js';
import { metaDigest } from '../../src/core/io/bundle.js';
import { sha256 } from '../../src/node/bundle-files.js';
import { tempDir } from '../helpers.js';
import { QUICK, SILENT, cli, expectOneLine, snapshot } from './fault-helpers.js';

// Made once the backend is chosen (the setup's beforeAll), not at import.
let net: Sequential;
beforeAll(() => {
  net = new Sequential().add(new Dense(2, { inUnits: 2 }));
  net.initialize();
});
afterAll(() => net.dispose());
const loader = new DataLoader(
  { images: new Uint8Array(8), labels: new Uint8Array(4), count: 4, featureSize: 2 },
  { batchSize: 2, shuffle: true, seed: 1 },
);

/** Saves the checkpoint after `epoch` epochs of run `runId` (none: as written before run ids). */
function save(store: CheckpointStore, epoch: number, runId?: string): Promise<string> {
  const history = Array.from({ length: epoch }, (_, i) => ({
    epoch: i + 1,
    ...{ loss: 1, trainAcc: 0.5, testAcc: 0.5, seconds: 1, examples: 4, numTensors: 0 },
  }));
  const meta: CheckpointMeta = {
    ...(runId === undefined ? {} : { runId }),
    run: { impl: 'concise', batchSize: 2, lr: 1, seed: 0, dataset: 'x', limit: null, backend: 'cpu' },
    ...{ epoch, position: null, loader: loader.state(), history, trainer: null },
  };
  return store.save(meta, net.collectParams(), []);
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid ?? 0;
}

const sleepers: ChildProcess[] = [];
afterAll(() => sleepers.forEach((c) => c.kill('SIGKILL')));
function livePid(): number {
  const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
  sleepers.push(c);
  return c.pid ?? 0;
}

/** `softmax train --epochs N --checkpoint-dir dir` (a run directory of its own). */
const trainInto = (dir: string, epochs: number) =>
  cli([
    'train',
    ...QUICK,
    '--epochs',
    String(epochs),
    ...SILENT,
    '--out',
    join(tempDir(), 'run'),
    '--checkpoint-dir',
    dir,
  ]);

describe('the lock of a checkpoint directory', () => {
  it('held by a live process: train stops at once, exit 12, naming the pid; nothing in the directory changes', async () => {
    const dir = tempDir();
    const pid = livePid();
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid, token: 'abc' }));
    const before = snapshot(dir);
    const exit = await trainInto(dir, 1);
    expectOneLine(
      exit,
      12,
      new RegExp(`^softmax: ${dir} is in use by another softmax run \\(pid ${pid}\\)\\..*delete ${dir}/\\.lock\\.$`),
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('two stores in one process: the second is refused until the first closes', async () => {
    const dir = tempDir();
    const first = await CheckpointStore.open(dir, 3);
    const err = await CheckpointStore.open(dir, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryLockedError);
    expect(exitCodeOf(err as DirectoryLockedError)).toBe(12);
    expect((err as Error).message).toContain(`(pid ${process.pid})`);
    await first.close();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    await (await CheckpointStore.open(dir, 3)).close();
  });

  it('stale (its pid is gone), unparsable, or a link: taken over, and a link target is untouched', async () => {
    const outside = join(tempDir(), 'precious');
    writeFileSync(outside, 'not a lock');
    for (const plant of [
      (f: string) => writeFileSync(f, JSON.stringify({ pid: deadPid(), token: 'old' })),
      (f: string) => writeFileSync(f, '\u0000garbage'),
      (f: string) => symlinkSync(outside, f),
    ]) {
      const dir = tempDir();
      plant(join(dir, '.lock'));
      const store = await CheckpointStore.open(dir, 3);
      expect(JSON.parse(readFileSync(join(dir, '.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
      await store.close();
      expect(readdirSync(dir)).toEqual([]);
    }
    expect(readFileSync(outside, 'utf8')).toBe('not a lock');
  });
});

describe('pruning and overwriting only the run own checkpoints', () => {
  it("another run's newer checkpoints are kept; this run keeps its newest --keep", async () => {
    const dir = tempDir();
    const other = await CheckpointStore.open(dir, 3);
    await other.claim('aaaa', false, 7);
    for (const e of [5, 6, 7]) await save(other, e, 'aaaa');
    await other.close();
    const mine = await CheckpointStore.open(dir, 1);
    expect(await mine.claim('bbbb', false, 2)).toEqual([]);
    await save(mine, 1, 'bbbb');
    await save(mine, 2, 'bbbb');
    await mine.close();
    expect(readdirSync(dir).sort()).toEqual(['epoch-0002', 'epoch-0005', 'epoch-0006', 'epoch-0007']);
  });

  it('a fresh run that would overwrite another run checkpoints refuses before training (exit 11)', async () => {
    const dir = tempDir();
    const other = await CheckpointStore.open(dir, 3);
    await other.claim('aaaa', false, 2);
    await save(other, 1, 'aaaa');
    await other.close();
    const before = snapshot(dir);
    const exit = await trainInto(dir, 2);
    expectOneLine(
      exit,
      11,
      /holds checkpoints of another run that this one would replace \(epoch-0001\)\. Continue that run with --resume/,
    );
    expect(snapshot(dir)).toEqual(before);
  });

  it('checkpoints written before run ids load; a run resumed from one owns them, a fresh run leaves them', async () => {
    const dir = tempDir();
    const old = await CheckpointStore.open(dir, 5);
    for (const e of [1, 2, 3]) await save(old, e);
    await old.close();
    expect((await readCheckpoint(join(dir, 'epoch-0003'))).meta.runId).toBeUndefined();
    const fresh = await CheckpointStore.open(dir, 1);
    expect(await fresh.claim('cccc', false, 2)).toEqual(['epoch-0001', 'epoch-0002']);
    await fresh.close();
    const resumed = await CheckpointStore.open(dir, 2);
    expect(await resumed.claim('dddd', true, 5)).toEqual([]);
    await save(resumed, 4, 'dddd');
    await resumed.close();
    expect(readdirSync(dir).sort()).toEqual(['epoch-0003', 'epoch-0004']);
  });

  it('a run id edited into something else is a damaged checkpoint (ModelFormatError, exit 7)', async () => {
    const dir = tempDir();
    const store = await CheckpointStore.open(dir, 3);
    const ckpt = await save(store, 1, 'abcd');
    await store.close();
    const file = join(ckpt, 'model.json');
    // Re-signed (metaSha256 recomputed), so the run id check behind the digest is what refuses it.
    const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    m['runId'] = '../../x';
    m['metaSha256'] = metaDigest(m, sha256);
    writeFileSync(file, JSON.stringify(m));
    const err = await readCheckpoint(ckpt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(exitCodeOf(err as ModelFormatError)).toBe(7);
    expect((err as Error).message).toMatch(/the checkpoint's "runId" field is missing or malformed/);
  });
});

describe('temporaries: removed only once their writer is gone', () => {
  it("a dead writer's temporary is removed, a live one's kept, a dead writer's aside copy put back", async () => {
    const dir = tempDir();
    const [dead, live] = [deadPid(), livePid()];
    mkdirSync(join(dir, `epoch-0002.${dead}-0123456789ab.part`));
    mkdirSync(join(dir, `epoch-0002.${live}-0123456789ab.part`));
    mkdirSync(join(dir, `epoch-0001.${dead}-0123456789ab.old`));
    writeFileSync(join(dir, `epoch-0001.${dead}-0123456789ab.old`, 'model.json'), 'the previous copy');
    mkdirSync(join(dir, 'epoch-0003.0123456789ab.part')); // an older version's name: no owner known, kept
    await (await CheckpointStore.open(dir, 3)).close();
    expect(readdirSync(dir).sort()).toEqual([
      'epoch-0001',
      `epoch-0002.${live}-0123456789ab.part`,
      'epoch-0003.0123456789ab.part',
    ]);
    expect(readFileSync(join(dir, 'epoch-0001', 'model.json'), 'utf8')).toBe('the previous copy');
  });
});
