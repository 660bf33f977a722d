/**
 * The README's programmatic snippets are the files in examples/, and they run as written (through the
 * package's own name, as a user's script would import it).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** The book's chapters: the example, its epochs, and the test accuracy its last line must pass. */
// The examples are unseeded, as the book's scripts are, so a run's last test accuracy varies with the
// draw (softmax regression's 5th epoch from 0.778 to 0.83 seen; the MLP's 10th near 0.84-0.85, the
// dropout net's near 0.86, each dipping a few points on some epochs): the bars are "learned well", far
// above chance (0.1), not a seed's exact figure, which the CLI's seeded tests check.
const CHAPTERS: [name: string, epochs: number, minTestAcc: number][] = [
  ['concise', 5, 0.75],
  ['scratch', 5, 0.75],
  ['mlp-concise', 10, 0.78],
  ['mlp-scratch', 10, 0.78],
  ['dropout', 10, 0.78],
];

const readmeHas = (name: string): void => {
  const file = join(ROOT, 'examples', `${name}.mjs`);
  expect(readmeBlocks()).toContain(readFileSync(file, 'utf8'));
};
const runExample = (name: string) =>
  spawnSync(process.execPath, [join(ROOT, 'examples', `${name}.mjs`)], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });

describe.each(CHAPTERS)('examples/%s.mjs', (name, epochs, minTestAcc) => {
  it('is the snippet shown in the README, character for character', () => readmeHas(name));

  it(`runs as written and prints ${epochs} epoch lines of the book`, () => {
    const r = runExample(name);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(epochs);
    lines.forEach((line, i) =>
      expect(line).toMatch(
        new RegExp(`^epoch ${i + 1}, loss \\d\\.\\d{4}, train acc 0\\.\\d{3}, test acc 0\\.\\d{3}$`),
      ),
    );
    const testAcc = Number(lines[epochs - 1]?.split('test acc ')[1]);
    expect(testAcc).toBeGreaterThan(minTestAcc);
  });
});

describe('examples/weight-decay.mjs', () => {
  it('is the snippet shown in the README, character for character', () => readmeHas('weight-decay'));

  it('runs as written: over-fits without decay (large ‖w‖, test loss ≫ train loss), not with it', () => {
    const r = runExample('weight-decay');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((line) => {
        const m = /^(scratch, lambd|concise, wd) (\d): train loss (\S+), test loss (\S+), L2 norm of w (\S+)$/.exec(
          line,
        );
        expect(m).not.toBeNull();
        return { decay: Number(m![2]), train: Number(m![3]), test: Number(m![4]), norm: Number(m![5]) };
      });
    expect(rows.map((row) => row.decay)).toEqual([0, 3, 0, 3]);
    for (const row of rows) {
      if (row.decay === 0) {
        expect(row.norm).toBeGreaterThan(10);
        expect(row.test).toBeGreaterThan(1000 * row.train);
      } else {
        expect(row.norm).toBeLessThan(1);
        expect(row.test).toBeLessThan(1);
      }
    }
  });
});
