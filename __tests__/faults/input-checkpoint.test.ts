/**
 * Fault corpus, classes "crashes" and "silent wrong results" for checkpoints: an edited manifest
 * whose values would reach the native kernels (indices outside the data set, a batch position past
 * the epoch) or silently change the run (a shuffling state that is no ARC4 state, an edit without
 * re-signing). Edits are re-signed (metaSha256 recomputed) to reach the checks behind the digest.
 * Each resume ends with one line and exit 11, having trained nothing.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metaDigest } from '../../src/core/io/bundle.js';
import { tempDir } from '../helpers.js';
import { expectRefused, runCli } from './input-harness.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const RUN = ['--limit', '300', '--backend', 'cpu', '--seed', '1', '--log-level', 'silent', '--quiet'];

let ckpt = '';
beforeAll(async () => {
  const root = tempDir();
  ckpt = join(root, 'ckpt');
  const run = await runCli(['train', ...RUN, '--epochs', '1', '--checkpoint-dir', ckpt, '--out', join(root, 'a')]);
  expect(run.code).toBe(0);
});

type Manifest = Record<string, unknown> & {
  loader: { generator: { i: number; j: number; S: number[] } | null; carry: number[] };
  position: Record<string, number> | null;
};

/** A copy of the checkpoint directory with epoch-0001's manifest changed by `edit` (re-signed unless `sign` is false). */
function edited(edit: (m: Manifest) => void, { sign = true } = {}): string {
  const dir = join(tempDir(), 'ckpt');
  execFileSync('cp', ['-r', ckpt, dir]);
  const file = join(dir, 'epoch-0001', 'model.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  edit(m);
  if (sign) m['metaSha256'] = metaDigest(m, sha256);
  else if (m['metaSha256'] === undefined) delete m['metaSha256'];
  writeFileSync(file, JSON.stringify(m));
  return dir;
}

const resume = (dir: string) =>
  runCli(['train', ...RUN, '--epochs', '2', '--resume', dir, '--out', join(tempDir(), 'b')]);

test('the checkpoint as written resumes (exit 0): the cases below fail for their edits only', async () => {
  expect((await resume(edited(() => {}))).code).toBe(0);
});

describe('a shuffling state that is not a state of the generator', () => {
  test.each([
    ['S with a repeated entry', (m: Manifest) => void (m.loader.generator!.S[0] = m.loader.generator!.S[1]!)],
    ['S with 300 in it', (m: Manifest) => void (m.loader.generator!.S[5] = 300)],
    ['S of 255 entries', (m: Manifest) => void m.loader.generator!.S.pop()],
    ['i = 256', (m: Manifest) => void (m.loader.generator!.i = 256)],
    ['j = 1.5', (m: Manifest) => void (m.loader.generator!.j = 1.5)],
  ])('%s: skipped as damaged, exit 11', async (_, edit) => {
    const run = await resume(edited(edit));
    expect(run.stderr).toMatch(/checkpoint epoch-0001 is damaged, skipping it: .*the checkpoint's "loader" field/);
    expectRefused(run, 11, /no checkpoint in it is intact/);
  });
});

describe('values that would reach the kernels out of range are refused first', () => {
  test.each([
    ['a carried index past the data set', (m: Manifest) => void (m.loader.carry = [99_999_999])],
    ['a carried index repeated', (m: Manifest) => void (m.loader.carry = [3, 3])],
    [
      'a batch position past the epoch',
      (m: Manifest) => void (m.position = { batch: 1_000_000, lossSum: 0, correct: 0, examples: 0, seconds: 0 }),
    ],
  ])('%s: exit 11, nothing trained', async (_, edit) => {
    const out = join(tempDir(), 'b');
    const run = await runCli(['train', ...RUN, '--epochs', '2', '--resume', edited(edit), '--out', out]);
    expectRefused(run, 11, /epoch-0001: its data position does not fit this run's data \(Expected /);
    expect(run.stdout).not.toMatch(/^epoch 2/m);
  });
});

describe("the manifest's own fields have a digest", () => {
  test('a valid-looking edit (two entries of S swapped) without re-signing: damaged, exit 11', async () => {
    const dir = edited(
      (m) => {
        const S = m.loader.generator!.S;
        [S[0], S[1]] = [S[1]!, S[0]!];
      },
      { sign: false },
    );
    const run = await resume(dir);
    expect(run.stderr).toMatch(/do not match the digest written with them \(metaSha256\)/);
    expectRefused(run, 11, /no checkpoint in it is intact/);
  });

  test('the digest removed: damaged, exit 11', async () => {
    const run = await resume(edited((m) => void delete m['metaSha256'], { sign: false }));
    expect(run.stderr).toMatch(/has no digest of its fields \(metaSha256\)/);
    expectRefused(run, 11, /no checkpoint in it is intact/);
  });
});
