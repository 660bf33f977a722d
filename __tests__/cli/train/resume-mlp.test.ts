/**
 * The MLP chapter end to end through the built CLI (issue 13): an MLP with dropout, killed (SIGKILL) or
 * stopped (SIGINT) mid-run and resumed, ends bit-identical to an uninterrupted run (the dropout masks
 * come from the seeded global generator, whose state each checkpoint carries), also with momentum and a
 * cosine schedule (the optimizer's num_update and the schedule's state are checkpointed); evaluate of a
 * dropout model gives the same numbers twice (dropout is off when predicting).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../../helpers.js';

const CLI = join(resolve(__dirname, '../../..'), 'dist/cli/main.js');
const COMMON = ['--backend', 'cpu', '--limit', '3000', '--batch-size', '50', '--epochs', '3', '--seed', '4'];
const QUIET = ['--log-level', 'silent', '--quiet'];
const MLP = ['--model', 'mlp', '--hidden', '48,24', '--dropout', '0.2,0.5', ...COMMON];
const TUNED = [...MLP, '--momentum', '0.9', '--lr', '0.05', '--lr-schedule', 'cosine,final=0.001,warmup=1'];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `softmax train ...args`; with `stop`, sends `signal` once `file` exists plus a random delay (mid-epoch 2). */
function train(args: string[], stop?: { file: string; signal: NodeJS.Signals }): Promise<Exit> {
  const child = spawn(process.execPath, [CLI, 'train', ...args, ...QUIET], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  if (stop !== undefined) {
    const poll = (): void => {
      if (existsSync(stop.file)) setTimeout(() => child.kill(stop.signal), 50 + Math.random() * 150);
      else setTimeout(poll, 5);
    };
    poll();
  }
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

const lines = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('epoch '));
const weights = (run: string): Buffer => readFileSync(join(run, 'model', 'weights.bin'));

describe.each([
  ['MLP 48,24 with dropout 0.2,0.5', MLP],
  ['the same with momentum 0.9 and a cosine schedule with warm-up', TUNED],
])('%s', (_, args) => {
  let reference: { lines: string[]; weights: Buffer; out: string };
  beforeAll(async () => {
    const out = join(tempDir(), 'run');
    const r = await train([...args, '--out', out]);
    expect(r.stderr).not.toMatch(/error|warn|\n\s+at /i);
    expect(r.code).toBe(0);
    reference = { lines: lines(r.stdout), weights: weights(out), out };
    expect(reference.lines).toHaveLength(3);
    expect(r.stdout).toMatch(/^training concise MLP 48,24 relu, dropout 0\.2,0\.5 on cpu: 3 epochs/m);
  });

  it('SIGKILL in epoch 2, then --resume: the same epoch lines and bit-identical parameters', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    const killed = await train([...args, '--checkpoint-dir', ckpt, '--out', join(root, 'a')], {
      file: join(ckpt, 'epoch-0001'),
      signal: 'SIGKILL',
    });
    expect(killed.signal).toBe('SIGKILL');
    const out = join(root, 'b');
    const resumed = await train([...args, '--resume', ckpt, '--out', out]);
    expect(resumed.code).toBe(0);
    expect(lines(resumed.stdout)).toEqual(reference.lines);
    expect(weights(out).equals(reference.weights)).toBe(true);
  });

  it('SIGINT mid-epoch: a checkpoint at the last batch; resuming it ends bit-identical', async () => {
    const root = tempDir();
    const ckpt = join(root, 'ckpt');
    const stopped = await train([...args, '--checkpoint-dir', ckpt, '--out', join(root, 'a')], {
      file: join(ckpt, 'epoch-0001'),
      signal: 'SIGINT',
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/stopped (in|before) epoch [23]/);
    const out = join(root, 'b');
    const resumed = await train([...args, '--resume', ckpt, '--out', out]);
    expect(resumed.code).toBe(0);
    expect(lines(stopped.stdout + resumed.stdout).slice(-3)).toEqual(reference.lines);
    expect(weights(out).equals(reference.weights)).toBe(true);
  });

  it('evaluate of the saved model (with its Dropout layers) gives the same figures twice', () => {
    const run = (): string => {
      const r = spawnSync(
        process.execPath,
        [CLI, 'evaluate', '--model', join(reference.out, 'model'), '--backend', 'cpu'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status).toBe(0);
      return r.stdout;
    };
    const first = run();
    expect(first).toMatch(/accuracy/i);
    expect(run()).toBe(first);
    const manifest = JSON.parse(readFileSync(join(reference.out, 'model', 'model.json'), 'utf8'));
    expect(manifest.architecture.layers.map((l: { type: string }) => l.type)).toEqual([
      'Dense',
      'Dropout',
      'Dense',
      'Dropout',
      'Dense',
    ]);
  });
});
