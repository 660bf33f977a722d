/**
 * Fault class "run directory" (issue 11, data loss): default run directories that collide within one
 * second, and a run that fails in an existing `--out`. The directory is created exclusively (a numbered
 * suffix when taken); an earlier run's files are never emptied by a run that fails before its first epoch.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunDir, defaultRunDir } from '../../src/cli/train/run-dir.js';
import { readBundle } from '../../src/node/bundle-files.js';
import { tempDir } from '../helpers.js';
import { QUICK, SILENT, cli, expectOneLine, snapshot } from './fault-helpers.js';

describe('default run directories: created exclusively', () => {
  it('two runs started in the same second get runs/<stamp> and runs/<stamp>-2', async () => {
    const root = tempDir();
    const now = new Date(2026, 11, 1, 20, 30, 1);
    const name = defaultRunDir(now, join(root, 'runs'));
    const [a, b] = await Promise.all([
      RunDir.create(name, { title: 't', epochs: 1, fresh: true }),
      RunDir.create(defaultRunDir(now, join(root, 'runs')), { title: 't', epochs: 1, fresh: true }),
    ]);
    expect([a.dir, b.dir].sort()).toEqual([name, `${name}-2`]);
    await Promise.all([a.close(), b.close()]);
    expect(snapshot(join(root, 'runs'))).toEqual({
      '2026-12-01T20-30-01': '<dir>',
      '2026-12-01T20-30-01/.softmax-run': expect.any(String),
      '2026-12-01T20-30-01-2': '<dir>',
      '2026-12-01T20-30-01-2/.softmax-run': expect.any(String),
    });
  });

  it('an earlier run in that name, or a file there, is left alone: the next free suffix is taken', async () => {
    const name = join(tempDir(), 'runs', 'stamp');
    mkdirSync(`${name}`, { recursive: true });
    writeFileSync(join(name, 'metrics.jsonl'), 'earlier run\n');
    writeFileSync(`${name}-2`, 'a file in the way');
    const run = await RunDir.create(name, { title: 't', epochs: 1, fresh: true });
    expect(run.dir).toBe(`${name}-3`);
    await run.close();
    expect(readFileSync(join(name, 'metrics.jsonl'), 'utf8')).toBe('earlier run\n');
    expect(readFileSync(`${name}-2`, 'utf8')).toBe('a file in the way');
  });
});

describe('two runs into one --out: the second is refused while the first runs', () => {
  it('a live run holds the lock: exit 12 naming its pid, the directory unchanged; once it closes, reusable', async () => {
    const out = join(tempDir(), 'run');
    const first = await RunDir.create(out, { title: 't', epochs: 1 });
    const before = snapshot(out);
    const exit = await cli(['train', ...QUICK, '--epochs', '1', ...SILENT, '--out', out]);
    expectOneLine(exit, 12, new RegExp(`^softmax: ${out} is in use by another softmax run \\(pid ${process.pid}\\)`));
    expect(snapshot(out)).toEqual(before);
    await first.close();
    await (await RunDir.create(out, { title: 't', epochs: 1 })).close();
    expect(Object.keys(snapshot(out))).toEqual(['.softmax-run']);
  });
});

describe('a failing run into an existing --out keeps the earlier run whole', () => {
  let out: string;
  let before: Record<string, string>;
  beforeAll(async () => {
    out = join(tempDir(), 'run');
    const first = await cli(['train', ...QUICK, '--epochs', '1', ...SILENT, '--out', out]);
    expect(first.code).toBe(0);
    before = snapshot(out);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['metrics.jsonl', 'run.json', 'model/weights.bin']));
  });

  it('diverging in epoch 1 (--lr 1e38): exit 5, metrics.jsonl, run.json and model/ unchanged', async () => {
    const exit = await cli(['train', ...QUICK, '--epochs', '1', '--lr', '1e38', ...SILENT, '--out', out]);
    expectOneLine(exit, 5, /^softmax: .*epoch 1, batch \d+/);
    expect(snapshot(out)).toEqual(before);
  });

  it('an unusable --checkpoint-dir (a file): exit 10 before anything in --out changes', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'in the way');
    const exit = await cli(['train', ...QUICK, '--epochs', '1', ...SILENT, '--out', out, '--checkpoint-dir', file]);
    expectOneLine(exit, 10, /^softmax: Cannot write /);
    expect(snapshot(out)).toEqual(before);
    await readBundle(join(out, 'model'), 'model');
  });
});
