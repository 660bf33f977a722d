/**
 * Fault class "replacing what softmax did not write" (issue 11, data loss): `--out DIR` or a model
 * directory holding a user's files. Each case must stop with one line and exit 10 and leave every
 * byte of the user's files as it was; a directory softmax made (marked, or an earlier version's) is
 * still reused.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputError } from '../../src/core/errors.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { readBundle, writeBundle } from '../../src/node/bundle-files.js';
import { RunDir } from '../../src/cli/train/run-dir.js';
import { tempDir } from '../helpers.js';
import { QUICK, SILENT, cli, expectOneLine, snapshot } from './fault-helpers.js';

const arrays = [{ name: 'w', shape: [2], data: Float32Array.from([1, 2]) }];

/** `softmax train --out out` (1 epoch) fails with exit 10 naming `what`, and `out` is byte for byte as before. */
async function expectRefused(out: string, what: RegExp): Promise<void> {
  const before = snapshot(out);
  const exit = await cli(['train', ...QUICK, '--epochs', '1', ...SILENT, '--out', out]);
  expectOneLine(exit, 10, what);
  expect(snapshot(out)).toEqual(before);
}

describe('--out DIR holding files softmax did not write: exit 10, nothing touched', () => {
  it('DIR/model is a user folder', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'model'));
    writeFileSync(join(out, 'model', 'thesis.tex'), 'years of work');
    await expectRefused(
      out,
      /^softmax: Cannot write .*: it holds model, which softmax did not write \(no \.softmax-run/,
    );
  });

  it('DIR/run.json is a user file', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'run.json'), '{"my": "notes"}');
    await expectRefused(out, /it holds run\.json, which softmax did not write/);
  });

  it('DIR/metrics.jsonl and DIR/curves.png are user files', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'metrics.jsonl'), '{"mine": 1}\n');
    writeFileSync(join(out, 'curves.png'), 'not ours');
    await expectRefused(out, /it holds metrics\.jsonl, curves\.png, which softmax did not write/);
  });

  it('a marked run directory whose model/ a user replaced with a folder of their own', async () => {
    const out = tempDir();
    writeFileSync(join(out, '.softmax-run'), 'a run directory of softmax train\n');
    mkdirSync(join(out, 'model'));
    writeFileSync(join(out, 'model', 'model.json'), '{"name": "my npm package"}');
    await expectRefused(out, /model: it holds no model\.json written by softmax; give --out a new or empty directory/);
  });
});

describe('writeBundle replaces only a bundle softmax wrote (OutputError, exit 10)', () => {
  async function expectKept(dir: string, pattern: RegExp): Promise<void> {
    const root = join(dir, '..');
    const before = snapshot(root);
    const err = await writeBundle(dir, 'model', {}, arrays).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(exitCodeOf(err as OutputError)).toBe(10);
    expect((err as Error).message).toMatch(pattern);
    expect((err as Error).message).not.toContain('\n');
    expect(snapshot(root)).toEqual(before);
  }

  it('a softmax bundle to which a user added a file', async () => {
    const dir = join(tempDir(), 'model');
    await writeBundle(dir, 'model', {}, arrays);
    writeFileSync(join(dir, 'README.md'), 'what this model is');
    await expectKept(dir, /it holds README\.md, which softmax did not write there/);
  });

  it('a folder whose model.json is not JSON', async () => {
    const dir = join(tempDir(), 'model');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), 'name: yaml really');
    await expectKept(dir, /it holds no model\.json written by softmax; softmax replaces only a directory it wrote/);
  });

  it('a link in place of the directory (its target is untouched)', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere', 'photo.jpg'), 'jpeg bytes');
    symlinkSync(join(root, 'elsewhere'), join(root, 'model'));
    await expectKept(join(root, 'model'), /it is a symbolic link, not a directory softmax wrote/);
  });

  it('an empty directory and an earlier softmax bundle are replaced', async () => {
    const dir = join(tempDir(), 'model');
    mkdirSync(dir);
    await writeBundle(dir, 'model', { v: 1 }, arrays);
    await writeBundle(dir, 'model', { v: 2 }, arrays);
    expect((await readBundle<{ v: number }>(dir, 'model')).manifest.v).toBe(2);
  });
});

describe('RunDir.create reuses only run directories softmax made', () => {
  it('an earlier version run directory (run.json names a softmax version, no marker) is reused and marked', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'run.json'), JSON.stringify({ versions: { softmax: '0.0.9' } }));
    writeFileSync(join(out, 'metrics.jsonl'), '{"epoch":1}\n');
    await (await RunDir.create(out, { title: 't', epochs: 1 })).close();
    expect(Object.keys(snapshot(out))).toEqual(['.softmax-run', 'metrics.jsonl', 'run.json']);
    expect(snapshot(out)['metrics.jsonl']).toBe(Buffer.from('{"epoch":1}\n').toString('base64')); // not emptied
  });

  it('a directory with unrelated files only is used, and they are left alone', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await (await RunDir.create(out, { title: 't', epochs: 1 })).close();
    expect(Object.keys(snapshot(out))).toEqual(['.softmax-run', 'notes.txt']);
  });
});
