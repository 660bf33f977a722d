/**
 * The core is runtime-neutral (STYLE §1): it bundles for a browser with no stubs, typechecks with the
 * DOM library and without Node's types, and keeps the layering rules (dependency-cruiser).
 */
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../..');
const ENTRIES = ['src/core/index.ts', 'src/core/d2l/index.ts', 'src/core/fit/index.ts'];

const npx = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules', args[0] as string), ...args.slice(1)], {
    cwd: ROOT,
    encoding: 'utf8',
  });

it.each(ENTRIES)("%s bundles with esbuild for platform 'browser', without any Node module or stub", async (entry) => {
  const result = await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const inputs = Object.keys(result.metafile.inputs).map((f) => relative(ROOT, resolve(ROOT, f)));
  expect(inputs.filter((f) => f.startsWith('src/') && !f.startsWith('src/core/'))).toEqual([]);
  expect(inputs.filter((f) => f.startsWith('src/core/')).length).toBeGreaterThan(
    entry === 'src/core/index.ts' ? 30 : 10,
  );
  expect(inputs.filter((f) => /node_modules\/(@tensorflow\/tfjs-node|sharp|@resvg|pino|yargs)\//.test(f))).toEqual([]);
});

it('src/core typechecks with lib ["es2022", "dom"] and no @types/node', () => {
  const r = npx(['typescript/bin/tsc', '-p', 'tsconfig.core.json', '--listFiles']);
  expect(r.stdout.split('\n').filter((l) => l.startsWith('error') || l.includes('error TS'))).toEqual([]);
  expect(r.status).toBe(0);
  const files = r.stdout.split('\n').filter((l) => l.trim() !== '');
  expect(files.filter((f) => f.includes('@types/node/'))).toEqual([]);
  expect(
    files.filter((f) => f.includes('/src/') && !f.includes('/node_modules/') && !f.includes('/src/core/')),
  ).toEqual([]);
});

it('the dependency rules hold: cli → node → core, core imports no node:* and no Node-only package, no cycles', () => {
  const r = npx(['dependency-cruiser/bin/dependency-cruise.mjs', 'src', '--output-type', 'err']);
  expect(r.stdout + r.stderr).toMatch(/no dependency violations found \(\d+ modules, \d+ dependencies cruised\)/);
  expect(r.status).toBe(0);
});
