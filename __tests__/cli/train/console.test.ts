/**
 * What a person sees (issue 12): the built CLI (dist/) in CI (no terminal) prints the book's lines on
 * stdout and two short notes on stderr, no JSON; on a pseudo-terminal (util-linux `script`) the bar
 * fits 80 columns and every way out (Ctrl+C, SIGTERM, divergence) ends with its exit code, the cursor
 * shown again and nothing left running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../../helpers.js';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const COMMON = ['train', '--backend', 'cpu', '--limit', '3000', '--batch-size', '50', '--seed', '1'];
const BASE = [...COMMON, '--epochs', '2'];
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, onOut?: (text: string) => void): Promise<Exit> {
  const child = spawn(cmd, args, { cwd: tempDir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onOut?.(stdout);
  });
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/** The built CLI on a pseudo-terminal of 80 columns; `pidFile` receives the CLI's pid. */
function onTerminal(args: string[], pidFile: string, onOut?: (text: string) => void): Promise<Exit> {
  const inner = `stty cols 80 rows 24; echo $$ > ${sh(pidFile)}; exec ${[process.execPath, CLI, ...args].map(sh).join(' ')}`;
  return run('script', ['-qfec', inner, '/dev/null'], { ...process.env, CI: undefined }, onOut);
}

// Terminal escape sequences (CSI): what the terminal interprets rather than shows.
const ESCAPES = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, 'g');

/** What the terminal shows at the end: each line as the last redraw left it, escapes removed. */
function screen(raw: string): string[] {
  return raw
    .replace(ESCAPES, '')
    .split(/\r?\n/)
    .map((l) => l.split('\r').at(-1) ?? '');
}

const cursorShown = (raw: string): boolean => raw.lastIndexOf('\x1b[?25h') > raw.lastIndexOf('\x1b[?25l');

beforeAll(() => expect(existsSync(CLI)).toBe(true)); // npm test builds dist/ first

describe('in CI (no terminal)', () => {
  it('stdout holds the book lines only; stderr two notes and no JSON; --quiet drops the notes', async () => {
    const env = { ...process.env, CI: 'true' };
    const out = join(tempDir(), 'run');
    const r = await run(process.execPath, [CLI, ...BASE, '--out', out], env);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'training concise softmax regression on cpu: 2 epochs, batch size 50, lr 0.1, seed 1',
      expect.stringMatching(/^epoch 1, loss \d\.\d{4}, train acc 0\.\d{3}, test acc 0\.\d{3}$/),
      expect.stringMatching(/^epoch 2, loss \d\.\d{4}, train acc 0\.\d{3}, test acc 0\.\d{3}$/),
      expect.stringMatching(/^\d+\.\d examples\/sec on cpu$/),
      '',
    ]);
    expect(r.stderr.split('\n')).toEqual([
      expect.stringMatching(/^Fashion-MNIST: using the \w+ copy in \S+$/),
      `run directory: ${out} (metrics.jsonl, curves.svg/.png, run.json, model/)`,
      '',
    ]);
    const quiet = await run(process.execPath, [CLI, ...BASE, '--out', `${out}-q`, '--quiet'], env);
    expect(quiet.stderr).toBe('');
    const speedless = (t: string): string => t.replace(/^\d+\.\d examples/m, 'N examples');
    expect(speedless(quiet.stdout)).toBe(speedless(r.stdout)); // the same lines
  });

  it('--log-level info brings the JSON records back, on stderr', async () => {
    const r = await run(
      process.execPath,
      // A flag may be given once (a repeated one is refused): COMMON, not BASE with its --epochs 2.
      [CLI, ...COMMON, '--epochs', '1', '--out', join(tempDir(), 'r'), '--log-level', 'info'],
      {
        ...process.env,
        CI: 'true',
      },
    );
    expect(r.code).toBe(0);
    const records = r.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(records.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(
      expect.arrayContaining(['training started', 'epoch done', 'training done']),
    );
    expect(r.stdout).not.toContain('{');
  });
});

(hasScript ? describe : describe.skip)(
  `on a terminal (80 columns)${hasScript ? '' : ' (skipped: no util-linux script)'}`,
  () => {
    it('the bar fits, the book lines stay, no JSON, the cursor is shown at the end', async () => {
      const r = await onTerminal([...BASE, '--out', join(tempDir(), 'r')], join(tempDir(), 'pid'));
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/epoch 1\/2 \[=*-*\] \d+\/60/); // a bar was drawn
      // Each epoch's first frame has no made-up ETA.
      expect(r.stdout.match(new RegExp(String.raw`epoch \d/2 [^\r\n]* 1/60 [^\r\n\u001b]*`, 'g'))).toEqual([
        expect.stringMatching(/ETA …$/),
        expect.stringMatching(/ETA …$/),
      ]);
      const frames = r.stdout.split(/\r|\n/).map((f) => f.replace(ESCAPES, ''));
      for (const f of frames.filter((f) => /^epoch \d+\/\d+ /.test(f))) expect(f.length).toBeLessThanOrEqual(77);
      const lines = screen(r.stdout).filter((l) => l !== '');
      expect(lines.filter((l) => l.startsWith('epoch '))).toHaveLength(2);
      expect(lines.some((l) => l.includes('{'))).toBe(false);
      expect(cursorShown(r.stdout)).toBe(true);
    });

    it.each([
      ['Ctrl+C', 'SIGINT', 130],
      ['SIGTERM', 'SIGTERM', 143],
    ] as const)('%s mid-epoch: exit %s at once, message whole, cursor shown', async (_name, signal, code) => {
      const pidFile = join(tempDir(), 'pid');
      let sent = false;
      const r = await onTerminal([...COMMON, '--epochs', '50', '--out', join(tempDir(), 'r')], pidFile, (text) => {
        if (!sent && /epoch 2\/50 \[/.test(text) && existsSync(pidFile)) {
          sent = true;
          process.kill(Number(readFileSync(pidFile, 'utf8')), signal);
        }
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(code);
      const text = screen(r.stdout).join('\n');
      expect(text).toMatch(new RegExp(`${signal}: stopped in epoch 2 after batch \\d+; checkpoint written to \\S+`));
      expect(cursorShown(r.stdout)).toBe(true);
    });

    it('divergence (--lr 1e38): exit 5, the message whole, cursor shown', async () => {
      const r = await onTerminal([...BASE, '--lr', '1e38', '--out', join(tempDir(), 'r')], join(tempDir(), 'pid'));
      expect(r.code).toBe(5);
      expect(screen(r.stdout).join(' ')).toMatch(/Training diverged in epoch 1, batch \d+/);
      expect(cursorShown(r.stdout)).toBe(true);
    });
  },
);
