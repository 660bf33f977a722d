/**
 * Training that survives faults (issue 5), end to end: the built CLI (dist/) trains on a small slice
 * of the real data (--limit, a testing aid) on the cpu backend, is killed or interrupted at a random
 * batch, and resumed; the resumed run must print the same epoch lines and end with the same parameters
 * as an uninterrupted run. Also: divergence, a damaged newest checkpoint, an unwritable directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCheckpoint } from '../../../src/node/checkpoint-store.js';
import { tempDir } from '../../helpers.js';

const CLI = join(resolve(__dirname, '../../..'), 'dist/cli/main.js');
const BASE = [
  '--backend',
  'cpu',
  '--limit',
  '6000',
  '--batch-size',
  '50',
  '--epochs',
  '3',
  '--seed',
  '3',
  '--log-level',
  'silent',
  '--quiet',
];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `softmax train ...args`; `interrupt` sends signals once stdout shows `after` and, if given, the
 * file `whenExists` exists (the epoch line is printed before that epoch's checkpoint is written), then
 * after a random delay.
 */
function train(
  args: string[],
  interrupt?: { after: string; whenExists?: string; signals: NodeJS.Signals[]; maxDelayMs: number },
): Promise<Exit> {
  const child = spawn(process.execPath, [CLI, 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let armed = interrupt !== undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (armed && interrupt !== undefined && stdout.includes(interrupt.after)) {
      armed = false;
      const fire = (): void => void interrupt.signals.forEach((s) => child.kill(s));
      const ready = (): void => {
        if (interrupt.whenExists !== undefined && !existsSync(interrupt.whenExists)) setTimeout(ready, 10);
        else setTimeout(fire, Math.random() * interrupt.maxDelayMs);
      };
      ready();
    }
  });
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

const epochLines = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('epoch '));
const weights = (runDir: string): Float32Array => {
  const b = readFileSync(join(runDir, 'model', 'weights.bin'));
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
};
function expectSameParams(a: Float32Array, b: Float32Array): void {
  expect(b.length).toBe(a.length);
  const maxDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? Number.NaN))), 0);
  expect(maxDiff).toBeLessThanOrEqual(1e-6);
  expect(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  ).toBe(true); // in fact bitwise
}
/** Every checkpoint in `dir` reads back intact, and no temporary is left where a checkpoint belongs. */
async function expectIntact(dir: string): Promise<string[]> {
  const names = readdirSync(dir).filter((n) => n.startsWith('epoch-') && !n.includes('.part'));
  for (const n of names) await readCheckpoint(join(dir, n));
  return names;
}

let reference: { lines: string[]; params: Float32Array };
beforeAll(async () => {
  expect(existsSync(CLI)).toBe(true); // npm test builds dist/ first
  const out = join(tempDir(), 'run');
  const r = await train([...BASE, '--out', out]);
  expect(r.code).toBe(0);
  reference = { lines: epochLines(r.stdout), params: weights(out) };
  expect(reference.lines).toHaveLength(3);
});

describe('kill, interrupt and resume', () => {
  it('SIGKILL at a random batch after epoch 1, then --resume: same epoch lines, same parameters', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    const killed = await train([...BASE, '--checkpoint-dir', ckpt, '--out', join(root, 'a')], {
      after: 'epoch 1,',
      whenExists: join(ckpt, 'epoch-0001'),
      signals: ['SIGKILL'],
      maxDelayMs: 700,
    });
    expect(killed.signal).toBe('SIGKILL');
    const out = join(root, 'b');
    const resumed = await train([...BASE.filter((a) => a !== '--quiet'), '--resume', ckpt, '--out', out]);
    expect(resumed.stderr).toMatch(/resuming from .*ckpt\/epoch-000[12]/);
    expect(resumed.code).toBe(0);
    expect(epochLines(resumed.stdout)).toEqual(reference.lines);
    expectSameParams(reference.params, weights(out));
    expect(readdirSync(ckpt).filter((n) => n.endsWith('.part'))).toEqual([]); // the killed run's temporary was cleaned
    expect(await expectIntact(ckpt)).toEqual(['epoch-0001', 'epoch-0002', 'epoch-0003']);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s mid-epoch: checkpoint at the last batch, exit %i, and the printed resume command continues exactly',
    async (signal, exitCode) => {
      const root = tempDir();
      const ckpt = join(root, 'ckpt');
      const stopped = await train([...BASE, '--checkpoint-dir', ckpt, '--out', join(root, 'a')], {
        after: 'epoch 1,',
        signals: [signal],
        maxDelayMs: 500,
      });
      expect(stopped.code).toBe(exitCode);
      expect(stopped.stderr).toMatch(new RegExp(`${signal}: finishing the current batch`));
      const hint =
        /\b(stopped (in|before) epoch \d+[^;]*); checkpoint written to (\S+)\. Resume with: npx softmax train (.*)$/m.exec(
          stopped.stderr,
        );
      expect(hint).not.toBeNull();
      expect(existsSync(hint![3]!)).toBe(true);
      // The printed command as it is: the options come from the checkpoint, --out is the stopped run's.
      const printed = hint![4]!.split(' ');
      expect(printed).toEqual(['--resume', ckpt, '--epochs', '3', '--out', join(root, 'a'), '--backend', 'cpu']);
      const resumed = await train(printed);
      expect(resumed.code).toBe(0);
      expect(epochLines(stopped.stdout + resumed.stdout).slice(-3)).toEqual(reference.lines);
      expect(epochLines(resumed.stdout)).toEqual(reference.lines);
      expectSameParams(reference.params, weights(join(root, 'a')));
    },
  );

  it('Ctrl+C without --checkpoint-dir: the checkpoint goes into the run directory, which the resumed run finishes', async () => {
    const out = join(tempDir(), 'run');
    const stopped = await train([...BASE, '--out', out], { after: 'epoch 1,', signals: ['SIGINT'], maxDelayMs: 300 });
    expect(stopped.code).toBe(130);
    const hint = /checkpoint written to (\S+)\. Resume with: npx softmax train (.*)$/m.exec(stopped.stderr);
    expect(hint?.[1]).toMatch(new RegExp(`^${out}/checkpoints/epoch-000[12]`));
    // Typed by hand: the run directory alone, every option from its checkpoint.
    const resumed = await train(['--resume', out, '--epochs', '3', '--backend', 'cpu', '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(
      /^training concise softmax regression on cpu: 3 epochs, batch size 50, lr 0\.1, seed 3$/m,
    );
    expect(epochLines(resumed.stdout)).toEqual(reference.lines);
    expectSameParams(reference.params, weights(out));
  });

  it('a second SIGINT ends the process at once; every checkpoint left is intact', async () => {
    const ckpt = join(tempDir(), 'ckpt');
    const r = await train([...BASE, '--checkpoint-dir', ckpt, '--out', join(tempDir(), 'a')], {
      after: 'epoch 1,',
      signals: ['SIGINT', 'SIGINT'],
      maxDelayMs: 300,
    });
    expect(r.code === 130 || r.signal === 'SIGINT').toBe(true);
    expect((await expectIntact(ckpt)).length).toBeGreaterThanOrEqual(1);
  });

  it('a damaged newest checkpoint is reported in one line and the previous one used', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    expect((await train([...BASE, '--checkpoint-dir', ckpt, '--out', join(root, 'a')])).code).toBe(0);
    const bin = join(ckpt, 'epoch-0003', 'weights.bin');
    const bytes = readFileSync(bin);
    bytes[17] = (bytes[17] ?? 0) ^ 0xff;
    writeFileSync(bin, bytes);
    const out = join(root, 'b');
    const resumed = await train([...BASE.filter((a) => a !== '--quiet'), '--resume', ckpt, '--out', out]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr.split('\n').filter((l) => l.includes('damaged'))).toEqual([
      expect.stringMatching(
        /^checkpoint epoch-0003 is damaged, skipping it: .*sha256 is [0-9a-f]{64}, the manifest says/,
      ),
    ]);
    expect(resumed.stderr).toMatch(/resuming from .*epoch-0002/);
    expect(epochLines(resumed.stdout)).toEqual(reference.lines);
    expectSameParams(reference.params, weights(out));
  });

  it('--resume takes the options it is not given from the checkpoint (a run at --lr 0.3 resumes without --lr)', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    const args = ['--backend', 'cpu', '--limit', '6000', '--batch-size', '50', '--seed', '3', '--quiet'];
    const first = await train([
      ...args,
      '--lr',
      '0.3',
      '--epochs',
      '1',
      '--checkpoint-dir',
      ckpt,
      '--out',
      join(root, 'a'),
    ]);
    expect(first.code).toBe(0);
    const r = await train(['--resume', ckpt, '--epochs', '2', '--backend', 'cpu', '--out', join(root, 'b'), '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^training concise softmax regression on cpu: 2 epochs, batch size 50, lr 0\.3, seed 3$/m);
    expect(epochLines(r.stdout)).toHaveLength(2);
  });

  it('a checkpoint of another run is refused with the differing options (exit 11)', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    // A flag is given once: the same options with --epochs 1.
    const oneEpoch = BASE.map((a, i) => (BASE[i - 1] === '--epochs' ? '1' : a));
    expect((await train([...oneEpoch, '--checkpoint-dir', ckpt, '--out', join(root, 'a')])).code).toBe(0);
    const r = await train([...BASE, '--lr', '0.5', '--resume', ckpt, '--out', join(root, 'b')]);
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/incompatible run \(--lr 0\.1 in the checkpoint, 0\.5 now\)\. Leave those options out/);
    expect(r.stdout).toBe('');
  });
});

describe('divergence and output safety', () => {
  it('--lr 1e38 diverges: message names epoch and batch, suggests a smaller lr, exit 5', async () => {
    const ckpt = join(tempDir(), 'ckpt');
    const r = await train([...BASE, '--lr', '1e38', '--checkpoint-dir', ckpt, '--out', join(tempDir(), 'a')]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(
      /Training diverged in epoch 1, batch 2: the mean loss of the batch is (NaN|Infinity)\. Use a smaller learning rate \(--lr\)\./,
    );
    expect(await expectIntact(ckpt)).toEqual([]);
  });

  it('an unwritable checkpoint directory fails before training (exit 10)', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'in the way');
    const r = await train([...BASE, '--checkpoint-dir', join(root, 'file', 'ckpt'), '--out', join(root, 'a')]);
    expect(r.code).toBe(10);
    expect(r.stderr).toMatch(/Cannot write .*file\/ckpt: a file is in the way/);
    expect(r.stdout).toBe('');
  });
});
