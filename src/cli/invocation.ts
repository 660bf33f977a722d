/**
 * How the user started this command, so a command line we print for them (the resume command) runs
 * where they are: `npx softmax` under npm (npx, an npm script) and in a project or clone that has the
 * package, `softmax` when the bin on PATH was run, else `node path/to/main.js`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A word for a POSIX shell: as is when safe, else single-quoted. */
export const shellQuote = (s: string): string => (/^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Whether `dir` or a folder above it has the package: `node_modules/.bin/softmax`, or is softmax's own clone. */
function projectHasSoftmax(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules', '.bin', 'softmax'))) return true;
    try {
      const pkg = JSON.parse(readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'softmax') return true;
    } catch {
      // No (readable) package.json here: look further up.
    }
    if (path.dirname(d) === d) return false;
  }
}

export interface InvocationContext {
  env: NodeJS.ProcessEnv;
  /** The script node ran (process.argv[1]). */
  script: string | undefined;
  cwd: string;
}

/** The words that start this tool again, as the user started it (see the module comment). */
export function invocation(
  ctx: InvocationContext = { env: process.env, script: process.argv[1], cwd: process.cwd() },
): string {
  const agent = ctx.env['npm_config_user_agent'] ?? '';
  if (agent.startsWith('yarn/')) return 'yarn softmax';
  if (agent.startsWith('pnpm/')) return 'pnpm exec softmax';
  if (agent !== '' || ctx.env['npm_lifecycle_event'] !== undefined) return 'npx softmax';
  const script = ctx.script;
  if (script !== undefined && path.basename(script) === 'softmax') {
    const dirs = (ctx.env['PATH'] ?? '').split(path.delimiter).map((d) => path.resolve(d));
    if (dirs.includes(path.resolve(path.dirname(script)))) return 'softmax';
  }
  if (projectHasSoftmax(ctx.cwd)) return 'npx softmax';
  if (script === undefined) return 'npx softmax';
  const relative = path.relative(ctx.cwd, script);
  return `node ${shellQuote(relative.startsWith('..') ? path.resolve(script) : relative)}`;
}
