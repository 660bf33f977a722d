/** What the published package holds (issue 12): the MIT license it names, and public declarations without third-party types. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarations(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the package', () => {
  it('ships the MIT LICENSE its package.json names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string; files: string[] };
    expect(pkg.license).toBe('MIT');
    expect(pkg.files).toContain('LICENSE');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n[\s\S]*Permission is hereby granted/);
  });

  it('no public declaration imports seedrandom (a consumer may have another @types/seedrandom, or none)', () => {
    expect(existsSync(join(ROOT, 'dist'))).toBe(true); // npm test builds dist/ first
    const offenders = declarations(join(ROOT, 'dist')).filter((f) =>
      /(from\s+['"]seedrandom['"]|import\(\s*['"]seedrandom['"]\s*\)|\bseedrandom\.)/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
