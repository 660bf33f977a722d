/**
 * Helpers of the fault corpus (`__tests__/faults/`): run the built CLI (dist/, as a user does) or a small
 * script against dist/ in a child process, optionally held at a write's pause point
 * (`SOFTMAX_TEST_PAUSE`, src/node/test-pause.ts) and killed there with SIGKILL; and the checks every case
 * makes: one line on stderr without a stack trace, the exit code, what is on disk afterwards.
 */
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');
/** A quick training run: 600 examples, cpu, silent logs. */
export const QUICK = ['--backend', 'cpu', '--limit', '600', '--batch-size', '100', '--seed', '1'];
export const SILENT = ['--log-level', 'silent', '--quiet'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The path the process paused at (with `pauseAt`), before it was killed. */
  pausedAt?: string;
}

interface RunOptions {
  env?: Record<string, string>;
  /** `SOFTMAX_TEST_PAUSE` spec: the process is killed with SIGKILL once it reports that pause. */
  pauseAt?: string;
  /** Polled every 20 ms: the process is killed with SIGKILL once it returns true. */
  killWhen?: () => boolean;
  cwd?: string;
}

/** Runs `node ...args` to its end, or (with `pauseAt`) until it pauses there and is killed. */
export function runNode(args: string[], { env = {}, pauseAt, killWhen, cwd = ROOT }: RunOptions = {}): Promise<Exit> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv['SOFTMAX_TEST_PAUSE'];
  if (pauseAt !== undefined) childEnv['SOFTMAX_TEST_PAUSE'] = pauseAt;
  const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pausedAt: string | undefined;
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const m = /^softmax-test-pause \S+ (.*)$/m.exec(stderr);
    if (m !== null && pausedAt === undefined) {
      pausedAt = m[1];
      child.kill('SIGKILL');
    }
  });
  const poll = killWhen === undefined ? undefined : setInterval(() => void (killWhen() && child.kill('SIGKILL')), 20);
  return new Promise((done) =>
    child.on('close', (code, signal) => {
      clearInterval(poll);
      done({ code, signal, stdout, stderr, ...(pausedAt === undefined ? {} : { pausedAt }) });
    }),
  );
}

/** `softmax ...args` with the built CLI. */
export const cli = (args: string[], options?: RunOptions): Promise<Exit> => runNode([CLI, ...args], options);

/** Runs `script` (CommonJS, `require(DIST + '/node/...')` with `DIST` defined) with node. */
export const script = (source: string, options?: RunOptions): Promise<Exit> =>
  runNode(['-e', `const DIST = ${JSON.stringify(join(ROOT, 'dist'))};\n${source}`], options);

/** The process ended with `code` and exactly one line on stderr matching `pattern` (no stack trace). */
export function expectOneLine(exit: Exit, code: number, pattern: RegExp): void {
  const lines = exit.stderr.split('\n').filter((l) => l.startsWith('softmax: '));
  expect({ code: exit.code, lines }).toEqual({ code, lines: [expect.stringMatching(pattern)] });
  expect(exit.stderr).not.toMatch(/\n\s+at /);
}

/** A file tree as `relative path → content` (files), `→ '<dir>'` or `→ '-> target'` (links): the state to compare. */
export function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const info = lstatSync(full);
    const key = `${prefix}${name}`;
    if (info.isSymbolicLink()) out[key] = '<link>';
    else if (info.isDirectory()) Object.assign(out, { [key]: '<dir>' }, snapshot(full, `${key}/`));
    else out[key] = readFileSync(full).toString('base64');
  }
  return out;
}
