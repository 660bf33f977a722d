/**
 * The fault corpus's harness (files `read-*`, `signal-*`, `input-*`): runs the built CLI as a child,
 * records its exit, output and peak memory, and checks the contract of every bad input: one line,
 * no stack trace, the documented exit code.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { readdir, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers.js';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
export const REAL_DATA = join(ROOT, 'datasets/fashion-mnist');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child in MiB (getrusage), NaN if it died before its exit hook. */
  peakMiB: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called once the child runs (to signal it, say). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with stderr so far, each time more arrives. */
  onStderr?: (text: string, child: ChildProcess) => void;
  /** Run as this user (root only), e.g. nobody's uid. */
  uid?: number;
  gid?: number;
  /** stdout of the child: a pipe (default) or a file descriptor such as /dev/full's. */
  stdout?: 'pipe' | number;
  cwd?: string;
}

/** Runs node with `nodeArgs` (preloading the peak-memory hook) and resolves when it exits. */
function runNode(nodeArgs: readonly string[], options: RunOptions): Promise<Run> {
  const rssDir = tempDir('rss-');
  chmodSync(rssDir, 0o777); // a child run as nobody writes it too
  const rssFile = join(rssDir, 'maxrss');
  const child = spawn(process.execPath, ['-r', join(__dirname, 'input-maxrss.cjs'), ...nodeArgs], {
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true', ...options.env, SOFTMAX_TEST_RSS_FILE: rssFile },
    cwd: options.cwd ?? ROOT,
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    options.onStderr?.(stderr, child);
  });
  options.onSpawn?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      let peakMiB = Number.NaN;
      try {
        peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      } catch {
        // killed before its exit hook ran
      }
      resolve({ code, signal, stdout, stderr, peakMiB });
    });
  });
}

/** Runs `softmax ...args` (the built dist/) and resolves when it exits. A test's timeout bounds a hang. */
export const runCli = (args: readonly string[], options: RunOptions = {}): Promise<Run> =>
  runNode([CLI, ...args], options);

/** Runs a CommonJS `script` in a child node, cwd the repo (so `require('./dist/...')` works). */
export const runScript = (script: string, options: RunOptions = {}): Promise<Run> => runNode(['-e', script], options);

/** The last `softmax: ...` line of stderr (the error line main prints). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('softmax: '));
  return lines[lines.length - 1] ?? '';
}

/**
 * The contract of a refused input: exit `code`, the error as one line matching `pattern` (at most
 * 1000 characters: nothing quoted from a file runs on), and no stack trace anywhere on stderr.
 */
export function expectRefused(run: Run, code: number, pattern: RegExp): void {
  const line = errorLine(run.stderr);
  expect({ code: run.code, line }).toEqual({ code, line: expect.stringMatching(pattern) });
  expect(line.length).toBeLessThanOrEqual(1000);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/** Names in `dir` (recursively, relative), sorted; [] if it does not exist. */
export async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).sort();
}

/** A temporary name of the project's writers: `<name>.<12 hex>.part` (and `.old`). */
export const RANDOM_TEMP = /\.[0-9a-f]{12}\.part(\.old)?$/;

/** A new directory with symlinks to the named files of the real Fashion-MNIST copy (datasets/). */
export async function withRealFiles(names: readonly string[]): Promise<string> {
  const dir = tempDir();
  await Promise.all(names.map((n) => symlink(join(REAL_DATA, n), join(dir, n))));
  return dir;
}
