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

describe.each(['concise', 'scratch'])('examples/%s.mjs', (name) => {
  const file = join(ROOT, 'examples', `${name}.mjs`);

  it('is the snippet shown in the README, character for character', () => {
    expect(readmeBlocks()).toContain(readFileSync(file, 'utf8'));
  });

  it('runs as written and prints five epoch lines of the book', () => {
    const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    lines.forEach((line, i) =>
      expect(line).toMatch(
        new RegExp(`^epoch ${i + 1}, loss \\d\\.\\d{4}, train acc 0\\.\\d{3}, test acc 0\\.\\d{3}$`),
      ),
    );
    const testAcc = Number(lines[4]?.split('test acc ')[1]);
    expect(testAcc).toBeGreaterThan(0.78);
  });
});
