/**
 * Fault corpus, class "crashes" (command line and outputs): repeated flags, unusable --log-file,
 * unmakeable or read-only output directories, standard output closed or full. Each is one line with
 * its documented exit code (2 usage, 6 download, 10 output, 141 stdout closed), no stack trace.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { CLI, ROOT, expectRefused, runCli, tree } from './input-harness.js';

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? test : test.skip;
/** nobody's uid and gid on Debian. */
const NOBODY = 65534;
/** A mirror nothing listens on: a test that reaches the network fails at once instead of leaving the machine. */
const NO_MIRROR = ['--mirror', 'http://127.0.0.1:9/'];
/** A quick real training run: 1 epoch on 300 examples of the shipped data. */
const QUICK = ['--epochs', '1', '--limit', '300', '--backend', 'cpu', '--log-level', 'silent'];

describe('repeated flags are a usage error (exit 2), not an array a command trips over', () => {
  test.each([
    ['train', '--out', 'a', '--out', 'b'],
    ['train', '--log-file=x.log', '--log-file', 'y.log'],
    ['evaluate', '--model', 'a', '--model', 'b'],
    ['predict', '--model', 'm', '--model', 'n', '--image', 'a.png', '--image', 'b.png'],
    ['download', '--dir', 'a', '--dir', 'b'],
    ['train', '--json', '--no-json'],
  ])('softmax %s %s ...', async (...argv) => {
    const flag = argv[1]!.replace(/=.*/, '').replace(/^--no-/, '--');
    const run = await runCli(argv);
    expectRefused(run, 2, new RegExp(`^softmax: ${flag} was given more than once: give it once`));
  });

  test.each(['0', 'fast'])('softmax download --min-rate %s: exit 2', async (rate) => {
    const run = await runCli(['download', '--dir', tempDir(), '--min-rate', rate, ...NO_MIRROR]);
    expectRefused(run, 2, new RegExp(`^softmax: --min-rate must be a positive integer, but got '${rate}'\\.$`));
  });

  test('--mirror and --image may still be repeated', async () => {
    const dir = tempDir();
    const run = await runCli(['download', '--dir', dir, ...NO_MIRROR, ...NO_MIRROR, '--log-level', 'silent']);
    expectRefused(run, 6, /^softmax: Could not download train-images-idx3-ubyte\.gz/);
  });
});

describe('an unusable --log-file is one line, exit 10, before any work', () => {
  test.each([
    ['a directory', async (d: string) => d, /Cannot write log file .*: a directory is in the way of the file/],
    [
      'a path under a file',
      async (d: string) => (await writeFile(join(d, 'f'), ''), join(d, 'f', 'x.log')),
      /Cannot write log file .*: a file is in the way of a directory on that path/,
    ],
    ['under /proc', async () => '/proc/softmax-test/x.log', /the file system refuses new directories in \/proc/],
    [
      'a full disk (/dev/full)',
      async () => '/dev/full',
      /Cannot write log file \/dev\/full: no space left on the device/,
    ],
  ])('%s', async (_, make, pattern) => {
    const dir = tempDir();
    const run = await runCli(['download', '--dir', join(dir, 'data'), ...NO_MIRROR, '--log-file', await make(dir)]);
    expectRefused(run, 10, pattern);
  });
});

describe('an output directory that cannot be made fails at once (no spinning mkdir)', () => {
  test('softmax train --out /proc/x: exit 10 naming the reason', async () => {
    const run = await runCli(['train', ...QUICK, '--out', '/proc/softmax-test/run']);
    expectRefused(run, 10, /^softmax: Cannot write \/proc\/softmax-test\/run: the file system refuses new directories/);
  });

  test('softmax train --checkpoint-dir /sys/x: exit 10', async () => {
    const run = await runCli(['train', ...QUICK, '--out', join(tempDir(), 'r'), '--checkpoint-dir', '/sys/softmax-x']);
    expectRefused(run, 10, /^softmax: Cannot write \/sys\/softmax-x: operation not permitted/);
  });

  test('softmax download --dir /proc/x/y: exit 6 naming the reason, nothing fetched', async () => {
    const run = await runCli(['download', '--dir', '/proc/softmax-test/y', ...NO_MIRROR]);
    expectRefused(run, 6, /Cannot write to \/proc\/softmax-test\/y \(the file system refuses new directories/);
  });

  asRoot('a read-only file system is reported as read-only, not ENOENT', async () => {
    const mnt = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mnt]);
    try {
      const run = await runCli(['train', ...QUICK, '--out', join(mnt, 'runs', 'a')]);
      expectRefused(run, 10, /Cannot write .*runs(\/a)?: read-only file system/);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  asRoot('a directory the user may not write is permission denied (as nobody)', async () => {
    const parent = tempDir();
    await chmod(parent, 0o755);
    await mkdir(join(parent, 'locked'), { mode: 0o555 });
    await chmod(join(parent, '..'), 0o755).catch(() => undefined);
    const run = await runCli(['download', '--dir', join(parent, 'locked', 'd'), ...NO_MIRROR], {
      uid: NOBODY,
      env: { HOME: parent },
    });
    expectRefused(run, 6, /Cannot write to .*locked\/d \(permission denied\)/);
    expect(await tree(join(parent, 'locked'))).toEqual([]);
  });
});

describe('standard output closed or full', () => {
  test('| head -1 (EPIPE): the reader got its line; exit 141 quietly, nothing on stderr but notices', async () => {
    const out = join(tempDir(), 'run');
    const args = ['train', '--epochs', '3', ...QUICK.slice(2), '--out', out];
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // Read the first line, then close the pipe as head does.
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy();
        resolve(d.toString().split('\n')[0] ?? '');
      }),
    );
    expect(first).toMatch(/^training concise softmax regression on cpu/);
    expect(await closed).toBe(141);
    expect(stderr).not.toMatch(/^\s+at |Error|EPIPE/m);
  });

  test('> /dev/full: one line, exit 10', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const run = await runCli(['train', ...QUICK, '--out', join(tempDir(), 'run')], { stdout: fd });
      expectRefused(run, 10, /^softmax: cannot write to standard output: no space left on the device\.$/);
    } finally {
      closeSync(fd);
    }
  });
});
